/**
 * Real infrastructure for the integration tests, decided once per `npm test`:
 * - Postgres and Redis from TEST_POSTGRES_URL / TEST_REDIS_URL when given; otherwise
 *   testcontainers when a Docker engine is reachable; otherwise a message saying what is missing.
 * - SNS/SQS: the endpoint in AWS_ENDPOINT_URL when given; otherwise an in-process fauxqs on a free port.
 * Workers inherit what this sets in process.env.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveAwsEndpoint } from '@platform/shared/aws';
import { provideTestDatabases } from './testDatabases';
import { startedResources, type StartedResources } from './resources';

export default async function globalSetup() {
  const envFile = resolve(__dirname, '../../.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL ??= 'silent';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

  const resources: StartedResources = startedResources();
  await Promise.all([provideSnsSqs(resources), providePostgresAndRedis(resources)]);
  resources.stoppers.push(await provideTestDatabases(process.env.TEST_POSTGRES_URL!));
}

async function provideSnsSqs(resources: StartedResources) {
  const given = resolveAwsEndpoint();
  if (given) {
    process.env.AWS_ENDPOINT_URL = given;
    return;
  }
  // fauxqs is ESM-only; the transform keeps this import() native.
  const { startFauxqs } = await import('fauxqs');
  const server = await startFauxqs({ port: 0, logger: false });
  resources.stoppers.push(() => server.stop());
  process.env.AWS_ENDPOINT_URL = server.address;
}

async function providePostgresAndRedis(resources: StartedResources) {
  const needPostgres = !process.env.TEST_POSTGRES_URL;
  const needRedis = !process.env.TEST_REDIS_URL;
  if (!needPostgres && !needRedis) return;

  useTestcontainersDefaults();
  if (!(await dockerIsReachable())) {
    const missing = [needPostgres && 'TEST_POSTGRES_URL', needRedis && 'TEST_REDIS_URL'].filter(Boolean).join(' and ');
    throw new Error(
      `Integration tests need a real Postgres and Redis, and none was given: ${missing} is not set and no Docker ` +
        'engine is reachable for testcontainers.\n' +
        '  Either set them (e.g. TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres ' +
        'TEST_REDIS_URL=redis://127.0.0.1:6379), put them in .env (npm run setup does), or start Docker.',
    );
  }
  if (needPostgres) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    resources.stoppers.push(() => container.stop({ remove: true }).then(() => undefined));
    process.env.TEST_POSTGRES_URL = container.getConnectionUri();
  }
  if (needRedis) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').start();
    resources.stoppers.push(() => container.stop({ remove: true }).then(() => undefined));
    process.env.TEST_REDIS_URL = container.getConnectionUrl();
  }
}

/**
 * Defaults for machines without registry access (scripts/docker/setup-docker.sh builds the postgres and
 * redis images locally), each kept when already set:
 * - no Ryuk: its image cannot be pulled there; globalTeardown stops the containers (a killed run can
 *   leave them behind: `docker ps`). TESTCONTAINERS_RYUK_DISABLED=false brings it back.
 * - the mapped ports are on localhost when the engine is local (a unix socket); testcontainers would
 *   otherwise look for a gateway address.
 */
function useTestcontainersDefaults() {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const dockerHost = process.env.DOCKER_HOST ?? '';
  if (dockerHost === '' || dockerHost.startsWith('unix://')) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
}

async function dockerIsReachable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
