import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { commonEnv, loadConfigOrExit, parseConfig } from '@platform/shared/config';
import { z } from 'zod';

/** Fastify's trustProxy from AUTH_TRUST_PROXY: false, a hop count, or trusted proxy addresses; undefined when invalid. */
export function parseTrustProxy(value: string): false | number | string | undefined {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return 1;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  return valid ? entries.join(',') : undefined;
}

/** Every variable the auth-service reads, validated once at start. */
export const authConfigSchema = commonEnv
  .extend({
    AUTH_PORT: z.coerce.number().int().min(1).max(65535).default(3001).describe('HTTP port of the auth-service'),
    AUTH_HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds'),
    AUTH_DATABASE_URL: z
      .url()
      .default('postgresql://postgres:postgres@127.0.0.1:5432/auth_db')
      .describe('Postgres URL of auth_db'),
    AUTH_TRUST_PROXY: z
      .string()
      .default('false')
      .transform((value, context) => {
        const trust = parseTrustProxy(value);
        if (trust === undefined) {
          context.addIssue({
            code: 'custom',
            message: 'false, true, a number of proxy hops, or a list of proxy IPs/CIDRs',
          });
          return z.NEVER;
        }
        return trust;
      })
      .describe(
        'Behind proxies, which X-Forwarded-For entries to believe: a number of hops (true = 1: the load balancer or ' +
          "API Gateway in front), or a comma-separated list of the proxies' IPs/CIDRs. Never the whole header: its " +
          'left part is written by the client. Every rate limit and the audit log use the address it resolves',
      ),
    AUTH_ISSUER: z
      .string()
      .min(1)
      .default('http://localhost:3001')
      .describe('`iss` of access tokens; verifiers (user-service) must expect the same value'),
    AUTH_SIGNING_KEYS: z
      .string()
      .optional()
      .describe(
        'JSON array of private JWKs (OKP Ed25519, each with a unique "kid"). Required in production. ' +
          'Rotation: add the new key, set AUTH_ACTIVE_SIGNING_KEY_ID to it, keep the old one listed for at least ' +
          'the access-token TTL (15 min) so its tokens still verify via the JWKS, then remove it. ' +
          'Unset in development/test: a key is generated (persisted under .dev/ in development)',
      ),
    AUTH_ACTIVE_SIGNING_KEY_ID: z
      .string()
      .optional()
      .describe('kid of the key in AUTH_SIGNING_KEYS that signs new tokens; defaults to the first key'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900).describe('Access-token lifetime'),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30).describe('Refresh-token lifetime'),
    ARGON2_MEMORY_KIB: z.coerce
      .number()
      .int()
      .min(1024)
      .default(19456)
      .describe('argon2id memory cost in KiB (OWASP: 19456 = 19 MiB); lower only in tests'),
    ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2).describe('argon2id iterations (OWASP: 2)'),
    ARGON2_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(256)
      .default(availableParallelism())
      .describe(
        'argon2id hashes computed at once (default: the number of cores). Each is single-threaded; more at once ' +
          'only slows each one down. Keep it below UV_THREADPOOL_SIZE (the server sets that to cores + 2 when unset)',
      ),
    ARGON2_MAX_WAITING: z.coerce
      .number()
      .int()
      .min(0)
      .default(16 * availableParallelism())
      .describe(
        'Logins and registrations that may wait for an argon2id slot (default: 16 per core, well under a second ' +
          'of work); beyond that they are refused at once with 503 OVERLOADED and Retry-After',
      ),
    AUTH_BOOTSTRAP_ADMIN_EMAIL: z
      .email()
      .optional()
      .describe('With AUTH_BOOTSTRAP_ADMIN_PASSWORD: the first admin, created at start if no account has this email'),
    AUTH_BOOTSTRAP_ADMIN_PASSWORD: z
      .string()
      .min(12)
      .max(128)
      .optional()
      .describe('Password of the bootstrap admin (only used when the account is created); change it after first login'),
    OUTBOX_RELAY_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(50)
      .default(1000)
      .describe(
        'How long the in-process relay waits after a run that published nothing; a run that published ' +
          'something, and a commit that wrote events (nudge), run the next one at once',
      ),
    OUTBOX_RELAY_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(500)
      .describe('Rows one relay run claims (at most the earliest unpublished event of each user)'),
    OUTBOX_RELAY_PUBLISH_CONCURRENCY: z.coerce
      .number()
      .int()
      .min(1)
      .max(64)
      .default(8)
      .describe('SNS PublishBatch calls (10 events each) one relay run has in flight at once'),
    OUTBOX_RELAY_PUBLISH_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe(
        "How long one relay run's publishing may take (SDK retries included); entries without an answer " +
          'by then count as failed and back off',
      ),
    OUTBOX_RELAY_LEASE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(60)
      .describe(
        "How long a claimed row stays reserved for the relay that claimed it; a crashed relay's rows are " +
          'taken over after this. Must exceed twice OUTBOX_RELAY_PUBLISH_TIMEOUT_MS',
      ),
    LOGIN_LOCKOUT_THRESHOLD: z.coerce
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Failed logins of one account (within 15 min) before it is locked'),
    LOGIN_LOCKOUT_BASE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(60)
      .describe('First lockout duration; doubles with each further lockout within 24 h (capped at 1 h)'),
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.AUTH_SIGNING_KEYS, {
    path: ['AUTH_SIGNING_KEYS'],
    message: 'is required in production (no key may be generated there)',
  })
  .refine((config) => config.OUTBOX_RELAY_LEASE_SECONDS * 1000 > 2 * config.OUTBOX_RELAY_PUBLISH_TIMEOUT_MS, {
    path: ['OUTBOX_RELAY_LEASE_SECONDS'],
    message: 'must exceed twice OUTBOX_RELAY_PUBLISH_TIMEOUT_MS, so that a row is marked before its lease runs out',
  })
  .refine((config) => !config.AUTH_BOOTSTRAP_ADMIN_EMAIL === !config.AUTH_BOOTSTRAP_ADMIN_PASSWORD, {
    path: ['AUTH_BOOTSTRAP_ADMIN_PASSWORD'],
    message: 'AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD are set together or not at all',
  });

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function loadAuthConfig(env = process.env): AuthConfig {
  return loadConfigOrExit(authConfigSchema, env);
}

/** For tests: the config from the environment with overrides, throwing instead of exiting. */
export function authConfigFrom(overrides: Record<string, string> = {}): AuthConfig {
  return parseConfig(authConfigSchema, { ...process.env, ...overrides });
}
