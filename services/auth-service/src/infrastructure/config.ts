import { availableParallelism } from 'node:os';
import { commonEnv, loadConfigOrExit, parseConfig, trustProxySetting } from '@platform/shared/config';
import { rateLimitSetting } from '@platform/shared/rateLimits';
import { z } from 'zod';

/** Every variable the auth-service reads, validated once at start. */
export const authConfigSchema = commonEnv
  .extend({
    AUTH_PORT: z.coerce.number().int().min(1).max(65535).default(3001).describe('HTTP port of the auth-service'),
    AUTH_HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds'),
    AUTH_DATABASE_URL: z
      .url()
      .default('postgresql://postgres:postgres@127.0.0.1:5432/auth_db')
      .describe('Postgres URL of auth_db'),
    AUTH_TRUST_PROXY: trustProxySetting(),
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
    AUTH_REGISTRATION_ENUMERATION: z
      .enum(['reveal', 'conceal'])
      .default('reveal')
      .describe(
        'What registering a taken email answers. reveal: 409 EMAIL_TAKEN, and a new account gets 201 with a session. ' +
          'conceal: 202 for both, alike and at the same time; the new account gets its verification mail, the owner ' +
          'of the taken email a mail saying someone tried; clients sign in afterwards (see docs/security.md)',
      ),
    // Abuse limits. Per client IP (the address AUTH_TRUST_PROXY resolves), counted on every request of
    // the route whatever its answer (a 400 or a 409 costs a point too: probing is what they limit).
    AUTH_RATE_LIMIT_DEFAULT: rateLimitSetting(
      'Requests per client IP to any auth-service route without a limit of its own',
      {
        production: '300/1m',
        development: '3000/1m',
      },
    ),
    AUTH_RATE_LIMIT_REGISTER: rateLimitSetting('Registrations (POST /auth/register) per client IP', {
      production: '10/10m',
      development: '1000/10m',
    }),
    AUTH_RATE_LIMIT_LOGIN: rateLimitSetting('Logins (POST /auth/login) per client IP', {
      production: '30/1m',
      development: '1000/1m',
    }),
    AUTH_RATE_LIMIT_REFRESH: rateLimitSetting('Token refreshes (POST /auth/refresh) per client IP', {
      production: '60/1m',
      development: '1000/1m',
    }),
    AUTH_RATE_LIMIT_PASSWORD_FORGOT: rateLimitSetting(
      'Password-reset requests (POST /auth/password/forgot) per client IP',
      {
        production: '5/15m',
        development: '1000/15m',
      },
    ),
    AUTH_RATE_LIMIT_PASSWORD_RESET: rateLimitSetting('Password resets (POST /auth/password/reset) per client IP', {
      production: '10/15m',
      development: '1000/15m',
    }),
    AUTH_RATE_LIMIT_PASSWORD_CHANGE: rateLimitSetting('Password changes (POST /auth/password/change) per client IP', {
      production: '10/15m',
      development: '1000/15m',
    }),
    AUTH_RATE_LIMIT_EMAIL_VERIFICATION: rateLimitSetting(
      'Verification mails asked for (POST /auth/email/verification) per client IP',
      { production: '5/15m', development: '1000/15m' },
    ),
    AUTH_RATE_LIMIT_EMAIL_VERIFY: rateLimitSetting('Email verifications (POST /auth/email/verify) per client IP', {
      production: '20/15m',
      development: '1000/15m',
    }),
    AUTH_RATE_LIMIT_ACCOUNT_DELETE: rateLimitSetting('Account deletions (DELETE /auth/me) per client IP', {
      production: '5/15m',
      development: '1000/15m',
    }),
    // The lockout policy: per account (the normalised email, known or not), whatever the client IP.
    LOGIN_LOCKOUT_THRESHOLD: z.coerce
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Failed logins of one account within LOGIN_LOCKOUT_WINDOW_SECONDS before it is locked'),
    LOGIN_LOCKOUT_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * 60)
      .describe('The window in which failed logins of one account are counted (15 min)'),
    LOGIN_LOCKOUT_BASE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(60)
      .describe(
        'First lockout duration; doubles with each further lockout within LOGIN_LOCKOUT_HISTORY_SECONDS, ' +
          'up to LOGIN_LOCKOUT_MAX_SECONDS',
      ),
    LOGIN_LOCKOUT_MAX_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(60 * 60)
      .describe(
        'Longest lockout (1 h). Locks are temporary by design: a permanent one would let anyone lock out anyone',
      ),
    LOGIN_LOCKOUT_HISTORY_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(24 * 60 * 60)
      .describe('How long earlier lockouts of an account count towards a longer next one (24 h)'),
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.AUTH_SIGNING_KEYS, {
    path: ['AUTH_SIGNING_KEYS'],
    message: 'is required in production (no key may be generated there)',
  })
  .refine((config) => config.OUTBOX_RELAY_LEASE_SECONDS * 1000 > 2 * config.OUTBOX_RELAY_PUBLISH_TIMEOUT_MS, {
    path: ['OUTBOX_RELAY_LEASE_SECONDS'],
    message: 'must exceed twice OUTBOX_RELAY_PUBLISH_TIMEOUT_MS, so that a row is marked before its lease runs out',
  })
  .refine((config) => config.LOGIN_LOCKOUT_MAX_SECONDS >= config.LOGIN_LOCKOUT_BASE_SECONDS, {
    path: ['LOGIN_LOCKOUT_MAX_SECONDS'],
    message: 'must be at least LOGIN_LOCKOUT_BASE_SECONDS',
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
