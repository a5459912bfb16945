import { commonEnv, loadConfigOrExit, trustProxySetting } from '@platform/shared/config';
import { rateLimitSetting } from '@platform/shared/rateLimits';
import { z } from 'zod';

/** Every variable the user-service reads, validated once at start (userConfigSchema). */
const userEnv = commonEnv.extend({
  USER_PORT: z.coerce.number().int().min(1).max(65535).default(3002).describe('HTTP port of the user-service'),
  USER_HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds'),
  USER_DATABASE_URL: z
    .url()
    .default('postgresql://postgres:postgres@127.0.0.1:5432/user_db')
    .describe('Postgres URL of user_db'),
  USER_TRUST_PROXY: trustProxySetting(),
  USER_RATE_LIMIT_PER_USER: rateLimitSetting(
    'Requests per user (the subject of a valid access token) to any /users route',
    {
      production: '300/1m',
      development: '3000/1m',
    },
  ),
  USER_RATE_LIMIT_PER_IP: rateLimitSetting(
    'Requests per client IP (the address USER_TRUST_PROXY resolves) to any /users route without a valid access token',
    { production: '60/1m', development: '1000/1m' },
  ),
  AUTH_JWKS_URL: z
    .url()
    .default('http://127.0.0.1:3001/.well-known/jwks.json')
    .describe('Where the auth-service publishes its public keys'),
  AUTH_ISSUER: z
    .string()
    .min(1)
    .default('http://localhost:3001')
    .describe('The `iss` every access token must carry (the auth-service issuer)'),
  USER_WORKERS: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Whether the long-running server also runs the SQS queue workers (off for an HTTP-only replica)'),
  USER_QUEUE_POLLERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(32)
    .describe(
      'Queue workers: concurrent receive loops per queue at most. Each takes up to USER_QUEUE_BATCH_SIZE messages ' +
        'and deletes them in one call; the receives in flight are applied together (up to 100 events a ' +
        'transaction), so more loops mean bigger transactions and less CPU per event while a backlog drains. ' +
        'A full receive adds a loop, an empty one retires one, down to USER_QUEUE_IDLE_POLLERS',
    ),
  USER_QUEUE_IDLE_POLLERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe(
      'Queue workers: receive loops per queue kept while it is empty (each a long poll of a few seconds: ' +
        'what an idle service costs in ReceiveMessage calls); at most USER_QUEUE_POLLERS',
    ),
  USER_QUEUE_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(10)
    .describe('Queue workers: messages per receive (SQS allows at most 10)'),
  USER_QUEUE_RETRY_BASE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(43_200)
    .default(5)
    .describe(
      'Queue workers: a message that asked for a retry is visible again after base·2^(receives-1) seconds, ' +
        'capped at USER_QUEUE_RETRY_MAX_SECONDS; after maxReceiveCount receives it goes to the DLQ',
    ),
  USER_QUEUE_RETRY_MAX_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(43_200)
    .default(300)
    .describe("Cap of the queue workers' retry backoff, in seconds"),
  SMTP_URL: z
    .url()
    .optional()
    .describe('SMTP server for mails, e.g. smtp://user:pass@smtp.example.com:587; unset = mails go to MAIL_DIR'),
  MAIL_DIR: z
    .string()
    .min(1)
    .default('.dev/mail')
    .describe('Folder the development mail transport writes each mail to (used when SMTP_URL is unset)'),
  MAIL_FROM: z.string().min(3).default('User Platform <no-reply@localhost>').describe('From address of every mail'),
  PUBLIC_APP_URL: z
    .url()
    .default('http://localhost:3001')
    .describe(
      'Base URL of mail links: <PUBLIC_APP_URL>/auth/email/verify?token=… and /auth/password/reset?token=…, ' +
        'pages the auth-service serves (or a web app serving the same paths); the default is the local auth-service',
    ),
});

export const userConfigSchema = userEnv.refine(
  (config) => config.USER_QUEUE_IDLE_POLLERS <= config.USER_QUEUE_POLLERS,
  {
    path: ['USER_QUEUE_IDLE_POLLERS'],
    message: 'must not exceed USER_QUEUE_POLLERS (the most receive loops a queue gets)',
  },
);

export type UserConfig = z.infer<typeof userConfigSchema>;

export function loadUserConfig(env = process.env): UserConfig {
  return loadConfigOrExit(userConfigSchema, env);
}

/** Cache TTL of a profile by runtime profile (docs/architecture.md: development 15 min, staging 5, production 10). */
export function profileCacheTtlSeconds(nodeEnv: UserConfig['NODE_ENV']): number {
  return { development: 15 * 60, staging: 5 * 60, production: 10 * 60, test: 60 }[nodeEnv];
}
