import { Redis } from 'ioredis';
import { runLoad, startBareServer, type MeasuredLoad } from './baselines';
import type { BenchStack } from './infra';
import { processRssMiB, type ServiceMemory } from './memory';
import { step } from './progress';

/** Connections of every read run (service and bare alike). */
export const READ_CONNECTIONS = 16;
/** Profiles of the miss rows: each read once, so each read misses. */
const MISS_USERS = 8_000;
/** The user-service's production pool and cache TTL, given to the bare server too. */
const PRODUCTION_POOL = 20;
const PRODUCTION_TTL_SECONDS = 600;

export interface ReadResult {
  connections: number;
  seconds: number;
  cached: { service: MeasuredLoad; baseline: MeasuredLoad };
  /** Token already verified once, profile key absent: GET, SELECT, SET. */
  miss: { users: number; service: MeasuredLoad; baseline: MeasuredLoad };
  /** The first read of each token (signature verified) and profile (a miss); shown beside the bare miss. */
  cold: MeasuredLoad;
  memory: ServiceMemory;
  exits: Record<string, string>;
}

/**
 * Authenticated reads of GET /users/me on the user-service (NODE_ENV=production, its real JWKS
 * from the auth-service), each beside a bare Fastify server doing only the Redis (and Postgres)
 * work of the same read, in a process of its own, loaded the same way (bench/loadClient.ts):
 * - cached: one user whose profile is in Redis, `seconds` at READ_CONNECTIONS connections;
 * - miss: MISS_USERS profiles read once each after their keys were deleted (the tokens were
 *   verified by an earlier pass, as a signed-in user's are);
 * - cold: that earlier pass itself: new token and uncached profile on every request.
 */
export async function readBench(stack: BenchStack, seconds: number): Promise<ReadResult> {
  const tag = `read-${stack.runId}`;
  step(`reads: ${MISS_USERS + 1} profiles into user_db and an access token for each`);
  const ids = await insertProfiles(stack, tag, MISS_USERS + 1);
  const [cachedUser, ...missUsers] = ids;
  const tokens = await Promise.all(ids.map((id) => stack.accessTokenFor(id)));
  const [cachedToken, ...missTokens] = tokens;
  const redis = new Redis(stack.urls.redis);
  const dropProfileKeys = async () => {
    for (let index = 0; index < missUsers.length; index += 1_000)
      await redis.del(...missUsers.slice(index, index + 1_000).map((id) => `user:id:${id}`));
  };

  step('reads: starting the auth-service (JWKS) and the user-service');
  const [auth, user] = await Promise.all([stack.startService('auth-service'), stack.startService('user-service')]);
  const bare = await startBareServer(stack, { poolSize: PRODUCTION_POOL, ttlSeconds: PRODUCTION_TTL_SECONDS });
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const memory: ServiceMemory = { idleMiB: processRssMiB(user.child.pid) };
    const first = await fetch(`${stack.userUrl}/users/me`, { headers: { authorization: `Bearer ${cachedToken}` } });
    if (first.status !== 200) throw new Error(`GET /users/me answered ${first.status}: ${await first.text()}`);

    const load = (url: string, label: string, requests: Parameters<typeof runLoad>[1]['requests'], amount?: number) =>
      runLoad(
        stack,
        {
          url,
          connections: READ_CONNECTIONS,
          ...(amount ? { amount } : { seconds, warmupSeconds: 2 }),
          requests,
        },
        label,
        { pid: (url === bare.url ? bare.process : user).child.pid },
      );
    step(`reads: bare cached GET, ${READ_CONNECTIONS} connections, ${seconds} s`);
    const cachedBaseline = await load(bare.url, 'bare cached', { kind: 'fixed', path: `/cached/${cachedUser}` });
    step(`reads: bare ${rate(cachedBaseline)}; the user-service's cached GET /users/me`);
    const cachedService = await load(stack.userUrl, 'cached /users/me', {
      kind: 'fixed',
      path: '/users/me',
      headers: { authorization: `Bearer ${cachedToken}` },
    });
    step(`reads: service ${rate(cachedService)}; cold reads of ${missUsers.length} new tokens and profiles`);
    const cold = await load(
      stack.userUrl,
      'cold /users/me',
      { kind: 'bearer', path: '/users/me', tokens: missTokens },
      missTokens.length,
    );
    step(`reads: cold ${rate(cold)}; bare miss (GET, SELECT, SET) of the same ${missUsers.length} profiles`);
    await dropProfileKeys();
    const missBaseline = await load(
      bare.url,
      'bare miss',
      { kind: 'paths', paths: missUsers.map((id) => `/miss/${id}`) },
      missUsers.length,
    );
    step(`reads: bare miss ${rate(missBaseline)}; the user-service's misses`);
    await dropProfileKeys();
    const missService = await load(
      stack.userUrl,
      'miss /users/me',
      { kind: 'bearer', path: '/users/me', tokens: missTokens },
      missTokens.length,
    );
    step(`reads: service miss ${rate(missService)}`);
    memory.afterLoadMiB = processRssMiB(user.child.pid);
    const exits = {
      'user-service': String(await user.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })),
      'auth-service': String(await auth.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })),
    };
    return {
      connections: READ_CONNECTIONS,
      seconds,
      cached: { service: cachedService, baseline: cachedBaseline },
      miss: { users: missUsers.length, service: missService, baseline: missBaseline },
      cold,
      memory,
      exits,
    };
  } finally {
    redis.disconnect();
    await bare.stop().catch(() => undefined);
    for (const service of [user, auth])
      await service.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
  }
}

const rate = (result: MeasuredLoad) => `${Math.round(result.perSecond)} req/s`;

/** Active profiles as the user.created event leaves them, inserted by SQL; their ids. */
async function insertProfiles(stack: BenchStack, tag: string, count: number): Promise<string[]> {
  const { rows } = await stack.userDb.query<{ id: string }>(
    `INSERT INTO user_profiles (id, email, display_name, email_verified, user_version, status_version, email_version, updated_at)
     SELECT gen_random_uuid(), $1 || '-' || i || '@example.com', 'Bench reader ' || i, false, 1, 1, 1, now()
     FROM generate_series(1, $2::int) AS i
     RETURNING id::text AS id`,
    [tag, count],
  );
  return rows.map((row) => row.id);
}
