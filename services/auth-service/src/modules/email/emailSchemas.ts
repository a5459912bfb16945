import { z } from 'zod';
import { opaqueTokenSchema } from '../tokens';

export const verifyEmailBody = z.object({ token: opaqueTokenSchema });
