import { commonEnv, loadConfigOrExit } from '@platform/shared';
import { z } from 'zod';

/** Every variable the auth-service reads, validated once at start. */
export const authConfigSchema = commonEnv.extend({
  AUTH_PORT: z.coerce.number().int().min(1).max(65535).default(3001).describe('HTTP port of the auth-service'),
  AUTH_HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds'),
  AUTH_DATABASE_URL: z
    .url()
    .default('postgresql://postgres:postgres@127.0.0.1:5432/auth_db')
    .describe('Postgres URL of auth_db'),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function loadAuthConfig(env = process.env): AuthConfig {
  return loadConfigOrExit(authConfigSchema, env);
}
