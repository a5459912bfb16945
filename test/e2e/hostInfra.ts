import { exportJWK, generateKeyPair } from 'jose';
import { Redis } from 'ioredis';
import { startSmtpSink, type Mailbox } from './mailbox';
import { createAwsClients } from '@platform/shared/aws';
import { provisionTopology } from '@platform/shared/topology/render';
import { dropDatabase, withDatabase } from '../../scripts/db/pgUrl';
import { applyMigrations } from '../../scripts/db/prismaWasmMigrate';
import { selectDatabases } from '../../scripts/db/databases';

/**
 * Building blocks for targets that run against this machine's Postgres, Redis and an SNS/SQS
 * emulator (dev, bundle, lambda, images): the compose target brings its own.
 */

export const E2E_POSTGRES_URL =
  process.env.E2E_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const E2E_REDIS_URL = process.env.E2E_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The bootstrap admin every target is started with. */
export const E2E_ADMIN = { email: 'e2e-admin@example.com', password: 'e2e-admin-password-Quokka-42' };

/**
 * Fresh, migrated databases `e2e_<runId>_auth` / `_user` on the host's Postgres (`<prefix>_…` with
 * another prefix, e.g. `bench` for `npm run bench`), migrated the way `npm run db:migrate` does.
 * Returns their URLs (as AUTH_DATABASE_URL / USER_DATABASE_URL) and a drop.
 */
export async function freshDatabases(
  runId: string,
  {
    migrate = true,
    serverUrl = E2E_POSTGRES_URL,
    prefix = 'e2e',
  }: { migrate?: boolean; serverUrl?: string; prefix?: string } = {},
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const env: Record<string, string> = {};
  const urls: string[] = [];
  for (const database of selectDatabases(undefined, () => undefined)) {
    const url = withDatabase(serverUrl, `${prefix}_${runId}_${database.service.replace(/-service$/, '')}`);
    await dropDatabase(url);
    if (migrate)
      await applyMigrations({
        databaseUrl: url,
        schemaPath: database.schemaPath,
        migrationsDir: database.migrationsDir,
        log: () => undefined,
      });
    env[database.envVar] = url;
    urls.push(url);
  }
  return {
    env,
    drop: async () => {
      for (const url of urls) await dropDatabase(url);
    },
  };
}

/**
 * A Redis logical database of its own (index 1..15) for a target, emptied first: rate-limit counters
 * and cached profiles of an earlier run must not leak into this one.
 */
export async function freshRedisDatabase(index: number, baseUrl = E2E_REDIS_URL): Promise<string> {
  const url = new URL(baseUrl);
  url.pathname = `/${index}`;
  const redis = new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
  return url.toString();
}

/** An in-process fauxqs SNS/SQS emulator on `port` (default: a free one), provisioned with the topology. */
export async function startEmulator(
  prefix = '',
  { port = 0 }: { port?: number } = {},
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port, logger: false });
  const env = {
    AWS_ENDPOINT_URL: server.address,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TOPOLOGY_PREFIX: prefix,
  };
  // The suite itself only ever talks to emulators: their dummy credentials.
  process.env.AWS_ACCESS_KEY_ID ??= env.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY ??= env.AWS_SECRET_ACCESS_KEY;
  const clients = createAwsClients({ endpoint: server.address, region: env.AWS_REGION });
  try {
    await provisionTopology({ ...clients, prefix });
  } finally {
    clients.destroy();
  }
  return { env, stop: () => server.stop() };
}

/** What production refuses to start without: a signing key (a fresh Ed25519 JWK per run). */
export async function productionSecrets(): Promise<Record<string, string>> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `e2e-${Date.now()}`, alg: 'EdDSA' };
  return { AUTH_SIGNING_KEYS: JSON.stringify([jwk]), AUTH_ACTIVE_SIGNING_KEY_ID: jwk.kid };
}

/** Bootstrap admin and cheaper argon2 for targets started by the suite. */
export function commonServiceEnv(): Record<string, string> {
  return {
    AUTH_BOOTSTRAP_ADMIN_EMAIL: E2E_ADMIN.email,
    AUTH_BOOTSTRAP_ADMIN_PASSWORD: E2E_ADMIN.password,
    LOG_LEVEL: 'info',
  };
}

/** Settings and endpoints of the production-mode targets' surroundings (bundle, lambda, images). */
export interface ProductionHostStack {
  /** Every variable both services need in NODE_ENV=production here, secrets included. */
  env: Record<string, string>;
  /** The emulator's endpoint, region, credentials and topology prefix (RunningTarget.queueEnv). */
  queueEnv: Record<string, string>;
  /** The SMTP sink the user-service sends to (production has no mail folder). */
  mailbox: Mailbox;
  stop(): Promise<void>;
}

/**
 * What a production deployment surrounds the services with, on this machine: fresh migrated
 * databases, a Redis database of the target's own, an emulator provisioned with the topology, an
 * SMTP sink, a signing key and the bootstrap admin. `authUrl` is where the target serves the
 * auth-service (the token issuer and the JWKS the user-service fetches).
 */
export async function startProductionHostStack(options: {
  runId: string;
  redisIndex: number;
  topologyPrefix: string;
  authUrl: string;
}): Promise<ProductionHostStack> {
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const stopper of stoppers.splice(0).reverse()) await stopper();
  };
  try {
    const databases = await freshDatabases(options.runId);
    stoppers.push(() => databases.drop());
    const redisUrl = await freshRedisDatabase(options.redisIndex);
    const emulator = await startEmulator(options.topologyPrefix);
    stoppers.push(() => emulator.stop());
    const smtp = await startSmtpSink();
    stoppers.push(() => smtp.close());
    return {
      env: {
        NODE_ENV: 'production',
        ...databases.env,
        REDIS_URL: redisUrl,
        ...emulator.env,
        AUTH_ISSUER: options.authUrl,
        AUTH_JWKS_URL: `${options.authUrl}/.well-known/jwks.json`,
        // Mail links open the auth-service's pages.
        PUBLIC_APP_URL: options.authUrl,
        SMTP_URL: smtp.url,
        ...commonServiceEnv(),
        ...(await productionSecrets()),
        // Production serves no API reference by default (API_DOCS=off, proven by the transport tests); the
        // scenario turns it on to check that what ships can serve it (Scalar's script inside the bundle and zip).
        API_DOCS: 'on',
        // A poison message reaches its DLQ after maxReceiveCount receives in seconds, not minutes.
        USER_QUEUE_RETRY_BASE_SECONDS: '1',
        USER_QUEUE_RETRY_MAX_SECONDS: '2',
      },
      queueEnv: emulator.env,
      mailbox: smtp,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
