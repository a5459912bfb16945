import { z } from 'zod';
import { opaqueTokenSchema } from '../tokens';
import { emailSchema } from '../users';
import { givenPasswordSchema, newPasswordSchema } from './passwordPolicy';

export const forgotPasswordBody = z.object({ email: emailSchema });
export const resetPasswordBody = z.object({ token: opaqueTokenSchema, password: newPasswordSchema });
export const changePasswordBody = z.object({ currentPassword: givenPasswordSchema, newPassword: newPasswordSchema });
