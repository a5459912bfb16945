import { composeTarget } from './compose';

/** The compose stack with its `fauxqs` profile: the fauxqs emulator instead of LocalStack. */
export const target = composeTarget('fauxqs');
