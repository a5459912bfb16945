import { commonEnv, loadConfigOrExit } from '@platform/shared';
import { z } from 'zod';

/** Every variable the user-service reads, validated once at start. */
export const userConfigSchema = commonEnv.extend({
  USER_PORT: z.coerce.number().int().min(1).max(65535).default(3002).describe('HTTP port of the user-service'),
  USER_HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds'),
  USER_DATABASE_URL: z
    .url()
    .default('postgresql://postgres:postgres@127.0.0.1:5432/user_db')
    .describe('Postgres URL of user_db'),
  AUTH_JWKS_URL: z
    .url()
    .default('http://127.0.0.1:3001/.well-known/jwks.json')
    .describe('Where the auth-service publishes its public keys'),
});

export type UserConfig = z.infer<typeof userConfigSchema>;

export function loadUserConfig(env = process.env): UserConfig {
  return loadConfigOrExit(userConfigSchema, env);
}
