import { z } from 'zod';
import { givenPasswordSchema, newPasswordSchema } from '../passwords';
import { opaqueTokenSchema } from '../tokens';
import { emailSchema, exampleUser, userViewSchema } from '../users';

export const registerBody = z
  .object({
    email: emailSchema,
    password: newPasswordSchema,
    displayName: z.string().trim().min(1).max(100).optional(),
  })
  .meta({ examples: [{ email: 'ada@example.com', password: 'correct horse battery staple', displayName: 'Ada' }] });

export const loginBody = z
  .object({ email: emailSchema, password: givenPasswordSchema })
  .meta({ examples: [{ email: 'ada@example.com', password: 'correct horse battery staple' }] });

export const refreshBody = z.object({ refreshToken: opaqueTokenSchema });

export const sessionResponse = z
  .object({
    user: userViewSchema,
    accessToken: z.string().meta({ description: 'JWT (EdDSA) for `Authorization: Bearer`, on both services' }),
    refreshToken: z.string().meta({ description: 'Single-use: POST /auth/refresh returns its successor' }),
    expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires' }),
  })
  .meta({
    id: 'Session',
    description: 'A signed-in session: the user and a token pair',
    examples: [
      {
        user: exampleUser,
        accessToken: 'eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYtMTEta2V5LTEifQ.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
        refreshToken: 'Zk3n0y8mQm2b9xJ4u1c6wV7r5tA0pL3sD8eF2gH1iJk',
        expiresIn: 900,
      },
    ],
  });

export const deleteAccountBody = z
  .object({ password: givenPasswordSchema })
  .meta({ examples: [{ password: 'correct horse battery staple' }] });
