import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createAwsClients } from '@platform/shared/aws';
import { provisionIsolatedTopology } from '@platform/shared/testing';
import { selectDatabases } from '../../scripts/db/databases';
import { applyMigrations } from '../../scripts/db/prismaWasmMigrate';
import {
  call,
  makeUser,
  startTestApp,
  strongPassword,
  type TestApp,
  uniqueEmail,
} from '../../services/auth-service/test/testApp';
import { freePort } from '../../services/auth-service/test/fauxqsProcess';
import { buildTestApp, givenUser } from '../../services/user-service/test/testApp';
import { startDedicatedPostgres, type DedicatedPostgres } from './dedicatedPostgres';
import { startDedicatedRedis } from './dedicatedRedis';

/**
 * A dependency that goes down is a 503 naming it, with Retry-After, never a 500, and readiness says
 * so; when it is back, so is the service. Each test stops a server of its own (a temporary Postgres
 * cluster, a redis-server child, a JWKS endpoint), never the shared ones.
 */
jest.setTimeout(120_000);

type Answer = { statusCode: number; headers: Record<string, unknown>; json: () => { error?: unknown } };

/** The shape every outage answer must have. */
function expectUnavailable(answer: Answer, dependency: string) {
  expect({ status: answer.statusCode, error: answer.json().error }).toEqual({
    status: 503,
    error: expect.objectContaining({ code: 'DEPENDENCY_UNAVAILABLE', details: { dependency } }),
  });
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
}

describe('Postgres down', () => {
  let postgres: DedicatedPostgres;
  let auth: TestApp;
  let users: Awaited<ReturnType<typeof buildTestApp>>;

  beforeAll(async () => {
    postgres = await startDedicatedPostgres();
    const urls: Record<string, string> = {};
    for (const database of selectDatabases(undefined, () => undefined)) {
      urls[database.envVar] = postgres.urlFor(database.service.replace(/-service$/, ''));
      await applyMigrations({
        databaseUrl: urls[database.envVar]!,
        schemaPath: database.schemaPath,
        migrationsDir: database.migrationsDir,
      });
    }
    auth = await startTestApp({ env: { AUTH_DATABASE_URL: urls.AUTH_DATABASE_URL! } });
    users = await buildTestApp({ env: { USER_DATABASE_URL: urls.USER_DATABASE_URL! } });
  });
  afterAll(async () => {
    await users?.app.close().catch(() => undefined);
    await auth?.close().catch(() => undefined);
    await postgres?.destroy();
  });

  it('login, register, reads and writes answer 503 naming postgres; readiness is 503; all recover', async () => {
    const account = await makeUser(auth);
    const cached = await givenUser(users);
    const uncached = await givenUser(users);
    expect((await users.inject({ method: 'GET', url: '/users/me', headers: cached.auth })).statusCode).toBe(200);

    await postgres.stop();
    const login = () =>
      call(auth, 'POST', '/auth/login', { body: { email: account.email, password: account.password } });
    expectUnavailable(await login(), 'postgres');
    expectUnavailable(
      await call(auth, 'POST', '/auth/register', { body: { email: uniqueEmail(), password: strongPassword } }),
      'postgres',
    );
    expectUnavailable(await call(auth, 'GET', '/auth/me', { token: account.session.accessToken }), 'postgres');
    const authReady = await call(auth, 'GET', '/health/ready');
    expect([authReady.statusCode, authReady.json().checks.postgres.status]).toEqual([503, 'failed']);
    expect(authReady.headers['retry-after']).toBe('5');

    // A profile in the cache still answers; one that must come from Postgres cannot.
    expect((await users.inject({ method: 'GET', url: '/users/me', headers: cached.auth })).statusCode).toBe(200);
    expectUnavailable(await users.inject({ method: 'GET', url: '/users/me', headers: uncached.auth }), 'postgres');
    expectUnavailable(
      await users.inject({ method: 'PATCH', url: '/users/me', headers: cached.auth, payload: { displayName: 'Ada' } }),
      'postgres',
    );
    const usersReady = await users.inject({ method: 'GET', url: '/health/ready' });
    expect([usersReady.statusCode, usersReady.json().checks.postgres.status]).toEqual([503, 'failed']);

    await postgres.start();
    expect((await login()).statusCode).toBe(200);
    expect((await users.inject({ method: 'GET', url: '/users/me', headers: uncached.auth })).statusCode).toBe(200);
    expect((await call(auth, 'GET', '/health/ready')).statusCode).toBe(200);
  });
});

describe('Redis down', () => {
  it('an admin token is refused with 503 naming redis, others are served from Postgres, readiness is degraded', async () => {
    const redis = await startDedicatedRedis();
    const auth = await startTestApp({ env: { REDIS_URL: redis.url } });
    // The auth-service's topology, so that the user-service's other checks pass.
    const users = await buildTestApp({ env: { REDIS_URL: redis.url, TOPOLOGY_PREFIX: auth.topology.prefix } });
    try {
      const user = await givenUser(users);
      const admin = await givenUser(users, { roles: ['user', 'admin'] });
      const sessionToken = (userId: string, roles: string[]) => users.tokenFor(userId, roles, randomUUID());
      const userAuth = { authorization: `Bearer ${await sessionToken(user.userId, ['user'])}` };
      const adminAuth = { authorization: `Bearer ${await sessionToken(admin.userId, ['user', 'admin'])}` };
      expect((await users.inject({ method: 'GET', url: `/users/${user.userId}`, headers: adminAuth })).statusCode).toBe(
        200,
      );
      const account = await makeUser(auth);

      await redis.stop();
      expect((await users.inject({ method: 'GET', url: '/users/me', headers: userAuth })).statusCode).toBe(200);
      expectUnavailable(
        await users.inject({ method: 'GET', url: `/users/${user.userId}`, headers: adminAuth }),
        'redis',
      );
      const ready = await users.inject({ method: 'GET', url: '/health/ready' });
      expect([ready.statusCode, ready.json().status, ready.json().checks.redis.status]).toEqual([
        200,
        'degraded',
        'failed',
      ]);
      // Logins go on (limits and lockouts in memory meanwhile).
      const login = await call(auth, 'POST', '/auth/login', {
        body: { email: account.email, password: account.password },
      });
      expect(login.statusCode).toBe(200);

      await redis.start();
      await users.app.context.redis.ping().catch(() => undefined);
      await eventually(async () =>
        (await users.inject({ method: 'GET', url: `/users/${user.userId}`, headers: adminAuth })).statusCode === 200
          ? true
          : undefined,
      );
    } finally {
      await users.app.close().catch(() => undefined);
      await auth.close().catch(() => undefined);
      await redis.stop();
    }
  });
});

describe('the JWKS unreachable', () => {
  it('a token whose key must be fetched is refused with 503 naming jwks (not 401, not 500) until the JWKS is back', async () => {
    const port = await freePort();
    const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
    // The user-service starts before the auth-service (its JWKS) is up, as in a cold start of both.
    const aws = createAwsClients();
    const topology = await provisionIsolatedTopology(aws);
    const users = await buildTestApp({
      accessTokenKeys: undefined,
      env: { AUTH_JWKS_URL: jwksUrl, TOPOLOGY_PREFIX: topology.prefix },
    });
    let server: Server | undefined;
    try {
      const user = await givenUser(users);
      const answer = await users.inject({ method: 'GET', url: '/users/me', headers: user.auth });
      expectUnavailable(answer, 'jwks');
      const ready = await users.inject({ method: 'GET', url: '/health/ready' });
      expect([ready.statusCode, ready.json().status, ready.json().checks.jwks.status]).toEqual([
        200,
        'degraded',
        'failed',
      ]);

      server = createServer((_request, response) =>
        response.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [users.jwk] })),
      ).listen(port, '127.0.0.1');
      await once(server, 'listening');
      // jose waits out a short cooldown after a failed fetch; the readiness probe fetches once it is over.
      await eventually(async () => {
        const probe = await users.inject({ method: 'GET', url: '/health/ready' });
        return probe.json().checks.jwks.status === 'ok' ? true : undefined;
      });
      expect((await users.inject({ method: 'GET', url: '/users/me', headers: user.auth })).statusCode).toBe(200);
    } finally {
      await users.app.close().catch(() => undefined);
      server?.close();
      await topology.destroy().catch(() => undefined);
      aws.destroy();
    }
  });
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
