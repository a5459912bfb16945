import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { type AwsClients, createAwsClients } from '@platform/shared/aws';
import { createSessionRevocations } from '@platform/shared/auth';
import { createRedis } from '@platform/shared/redis';
import type { Logger } from '@platform/shared/logging';
import { provisionIsolatedTopology } from '@platform/shared/testing';
import { buildTestApp, givenUser } from '../../../test/testApp';
import pino from 'pino';

/** A free port for a Redis of our own: stopping the shared one would break other tests. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const startRedis = (port: number) =>
  execFileSync('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
  ]);
const stopRedis = (port: number) => execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);

async function metricValue(
  app: Awaited<ReturnType<typeof buildTestApp>>['app'],
  name: string,
  labels: Record<string, string> = {},
) {
  const metric = (await app.metrics.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string> }>;
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('profile cache', () => {
  let port: number;
  let redis: ReturnType<typeof createRedis>;
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  let provisioned: Awaited<ReturnType<typeof provisionIsolatedTopology>>;
  let aws: AwsClients;
  const renameUser = (user: { auth: Record<string, string> }, displayName: string) =>
    t.inject({ method: 'PATCH', url: '/users/me', headers: user.auth, payload: { displayName } });

  beforeAll(async () => {
    port = await freePort();
    startRedis(port);
    redis = createRedis(`redis://127.0.0.1:${port}`, pino({ level: 'silent' }) as Logger);
    await new Promise((resolve) => redis.once('ready', resolve));
    t = await buildTestApp({ redis });
    // The app has only an SQS client; provisioning needs SNS too.
    aws = createAwsClients();
    provisioned = await provisionIsolatedTopology(aws);
    await t.app.close();
    // Rebuilt with the isolated topology's prefix, so readiness can reach "its" queues.
    t = await buildTestApp({ redis, env: { TOPOLOGY_PREFIX: provisioned.prefix } });
  });
  afterAll(async () => {
    await t?.app.close();
    await provisioned?.destroy();
    aws?.destroy();
    redis?.disconnect();
    try {
      stopRedis(port);
    } catch {
      // already stopped by the test
    }
  });

  it('serves repeated reads from Redis and counts hits and misses', async () => {
    const user = await givenUser(t);
    const hitsBefore = await metricValue(t.app, 'user_profile_cache_lookups_total', { result: 'hit' });
    await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(await redis.ttl(`user:id:${user.userId}`)).toBeGreaterThan(0);
    expect(await metricValue(t.app, 'user_profile_cache_lookups_total', { result: 'hit' })).toBe(hitsBefore + 1);
  });

  it('many concurrent misses of one profile cost one Postgres load', async () => {
    const user = await givenUser(t);
    const loadsBefore = await metricValue(t.app, 'user_profile_cache_loads_total');
    const results = await Promise.all(Array.from({ length: 25 }, () => t.app.context.cache.get(user.userId)));
    expect(new Set(results.map((profile) => profile?.id))).toEqual(new Set([user.userId]));
    expect(await metricValue(t.app, 'user_profile_cache_loads_total')).toBe(loadsBefore + 1);
  });

  it('replays an invalidation that failed while the connection was down, so a kept entry is not served stale', async () => {
    const user = await givenUser(t, { displayName: 'Ada Before' });
    await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(await redis.exists(`user:id:${user.userId}`)).toBe(1);

    // The connection drops but Redis keeps its data (a network blip, a failover): the PATCH's invalidation fails.
    const ended = new Promise((resolve) => redis.once('end', resolve));
    redis.disconnect();
    await ended;
    expect((await renameUser(user, 'Ada After')).statusCode).toBe(200);
    // The change recorded its invalidation in Postgres, in its own transaction: a crash now would not lose it.
    expect(await t.app.context.prisma.cacheInvalidation.findUnique({ where: { userId: user.userId } })).not.toBeNull();

    // Back on the same server, the old entry is still there; only the recorded invalidation, swept on
    // reconnect, removes it (within moments, not a TTL).
    await redis.connect();
    for (let tries = 0; (await redis.exists(`user:id:${user.userId}`)) === 1; tries++) {
      if (tries > 100) throw new Error('the stale entry was not dropped after Redis came back');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const read = await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(read.json().displayName).toBe('Ada After');
  });

  it('an invalidation survives the crash of the process that made the change: another one drops the key', async () => {
    const user = await givenUser(t, { displayName: 'Ada Before' });
    await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    const key = `user:id:${user.userId}`;
    const stale = await redis.get(key);
    expect(stale).not.toBeNull();

    // The change commits (with its cache_invalidations row), and the process dies before dropping the key:
    // here the key is put back as it was, as if the invalidation after the commit never ran.
    expect((await renameUser(user, 'Ada After')).statusCode).toBe(200);
    await redis.set(key, stale!);
    await t.app.context.prisma.$executeRaw`
      INSERT INTO cache_invalidations (user_id) VALUES (${user.userId}::uuid) ON CONFLICT (user_id) DO NOTHING`;

    // Another process (a fresh app on the same database and Redis) sweeps what was left.
    const other = await buildTestApp({ redis, env: { TOPOLOGY_PREFIX: provisioned.prefix } });
    try {
      expect(await other.app.context.cache.sweep()).toBeGreaterThan(0);
    } finally {
      await other.app.close();
    }
    expect(await redis.exists(key)).toBe(0);
    expect(await t.app.context.prisma.cacheInvalidation.findUnique({ where: { userId: user.userId } })).toBeNull();
    const read = await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(read.json().displayName).toBe('Ada After');
  });

  it('refuses at once a token whose session the auth-service ended (logout, password change, demotion…)', async () => {
    const user = await givenUser(t);
    const sessionId = randomUUID();
    const auth = { authorization: `Bearer ${await t.tokenFor(user.userId, ['user'], sessionId)}` };
    expect((await t.inject({ method: 'GET', url: '/users/me', headers: auth })).statusCode).toBe(200);
    await createSessionRevocations(redis).end([sessionId], 60);
    const refused = await t.inject({ method: 'GET', url: '/users/me', headers: auth });
    expect([refused.statusCode, refused.json().error.code]).toEqual([401, 'TOKEN_REVOKED']);
  });

  it('with Redis stopped, reads and writes still work from Postgres and readiness says degraded', async () => {
    const user = await givenUser(t);
    await t.inject({ method: 'GET', url: '/users/me', headers: user.auth }); // cached while Redis is up
    expect((await t.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'ok' });

    const closed = new Promise((resolve) => redis.once('close', resolve));
    stopRedis(port);
    await closed;

    expect((await renameUser(user, 'Offline Ada')).statusCode).toBe(200);
    const read = await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(read.statusCode).toBe(200);
    expect(read.json().displayName).toBe('Offline Ada');
    expect((await t.inject({ method: 'GET', url: '/users/me/wishlist', headers: user.auth })).statusCode).toBe(200);

    // A session check cannot be made: an ordinary user goes on, an admin token is refused (503, retry).
    const sessionAuth = { authorization: `Bearer ${await t.tokenFor(user.userId, ['user'], randomUUID())}` };
    expect((await t.inject({ method: 'GET', url: '/users/me', headers: sessionAuth })).statusCode).toBe(200);
    const adminAuth = { authorization: `Bearer ${await t.tokenFor(user.userId, ['user', 'admin'], randomUUID())}` };
    const adminRead = await t.inject({ method: 'GET', url: `/users/${randomUUID()}`, headers: adminAuth });
    expect([adminRead.statusCode, adminRead.json().error]).toEqual([
      503,
      expect.objectContaining({ code: 'DEPENDENCY_UNAVAILABLE', details: { dependency: 'redis' } }),
    ]);
    expect(adminRead.headers['retry-after']).toBe('5');

    const ready = await t.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      checks: { redis: { status: 'failed' }, postgres: { status: 'ok' }, sqs: { status: 'ok' } },
    });
    expect(await metricValue(t.app, 'user_profile_cache_lookups_total', { result: 'error' })).toBeGreaterThan(0);

    // Back up (empty, as this Redis keeps nothing on disk): reads use the cache again and show the change.
    const ready2 = new Promise((resolve) => redis.once('ready', resolve));
    startRedis(port);
    await ready2;
    // The rename's invalidation, recorded while Redis was down, is swept first; then reads fill the cache again.
    for (
      let tries = 0;
      await t.app.context.prisma.cacheInvalidation.findUnique({ where: { userId: user.userId } });
      tries++
    ) {
      if (tries > 150) throw new Error('the recorded invalidation was not swept after Redis came back');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const after = await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(after.json().displayName).toBe('Offline Ada');
    expect(await redis.exists(`user:id:${user.userId}`)).toBe(1);
  }, 20_000);

  it('exposes queue, cache and DLQ metrics for Prometheus', async () => {
    const text = await (await t.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('user_profile_cache_lookups_total');
    expect(text).toContain('# TYPE sqs_queue_messages gauge');
    expect(text).toContain('queue_messages_processed_total');
  });
});

describe('readiness without Postgres', () => {
  it('is unavailable (503) when the critical database is unreachable', async () => {
    const t = await buildTestApp({
      env: { USER_DATABASE_URL: `postgresql://postgres@127.0.0.1:1/${randomUUID().slice(0, 8)}` },
    });
    try {
      const ready = await t.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.postgres.status).toBe('failed');
    } finally {
      await t.app.close();
    }
  });
});
