import { z } from 'zod';
import { givenPasswordSchema, newPasswordSchema } from '../passwords/passwordPolicy';
import { emailSchema, userViewSchema } from '../users/userView';

export const registerBody = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  displayName: z.string().trim().min(1).max(100).optional(),
});

export const loginBody = z.object({ email: emailSchema, password: givenPasswordSchema });

const opaqueToken = z.string().min(20).max(200).meta({ description: 'An opaque token issued by this service' });

export const refreshBody = z.object({ refreshToken: opaqueToken });

export const sessionResponse = z.object({
  user: userViewSchema,
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
});

export const verifyEmailBody = z.object({ token: opaqueToken });
export const forgotPasswordBody = z.object({ email: emailSchema });
export const resetPasswordBody = z.object({ token: opaqueToken, password: newPasswordSchema });
export const changePasswordBody = z.object({ currentPassword: givenPasswordSchema, newPassword: newPasswordSchema });
export const deleteAccountBody = z.object({ password: givenPasswordSchema });

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const acceptedResponse = z.object({ status: z.literal('accepted') });

export const noContent = z.null().meta({ description: 'No content' });
