import { commonEnv, parseConfig } from '../src/config';
import { exposureFrom, type BaseAppOptions } from '../src/http/createBaseApp';

/** The options of a base app in the shared tests: NODE_ENV=test exposure (docs and metrics on), silent logs. */
export function baseAppOptions(overrides: Partial<BaseAppOptions> = {}): BaseAppOptions {
  return {
    service: 'test',
    version: '0',
    description: 'test',
    logLevel: 'silent',
    exposure: exposureFrom(parseConfig(commonEnv, { NODE_ENV: 'test' })),
    ...overrides,
  };
}
