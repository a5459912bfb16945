import { z } from 'zod';
import { givenPasswordSchema, newPasswordSchema } from '../passwords';
import { opaqueTokenSchema } from '../tokens';
import { emailSchema, userViewSchema } from '../users';

export const registerBody = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  displayName: z.string().trim().min(1).max(100).optional(),
});

export const loginBody = z.object({ email: emailSchema, password: givenPasswordSchema });

export const refreshBody = z.object({ refreshToken: opaqueTokenSchema });

export const sessionResponse = z.object({
  user: userViewSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
});

export const deleteAccountBody = z.object({ password: givenPasswordSchema });
