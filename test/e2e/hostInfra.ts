import { exportJWK, generateKeyPair } from 'jose';
import { Redis } from 'ioredis';
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
 * Fresh, migrated databases `e2e_<runId>_auth` / `_user` on the host's Postgres, migrated the way
 * `npm run db:migrate` does. Returns their URLs (as AUTH_DATABASE_URL / USER_DATABASE_URL) and a drop.
 */
export async function freshDatabases(
  runId: string,
  { migrate = true, serverUrl = E2E_POSTGRES_URL }: { migrate?: boolean; serverUrl?: string } = {},
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  const env: Record<string, string> = {};
  const urls: string[] = [];
  for (const database of selectDatabases(undefined, () => undefined)) {
    const url = withDatabase(serverUrl, `e2e_${runId}_${database.service.replace(/-service$/, '')}`);
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

/** An in-process fauxqs SNS/SQS emulator on a free port, provisioned with the topology. */
export async function startEmulator(prefix = ''): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port: 0, logger: false });
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
