import { Redis } from 'ioredis';
import { poolLoads, runLoad, startBareServer, type MeasuredLoad } from './baselines';
import type { BenchStack } from './infra';
import type { LoadSpec } from './loadClient';
import { processRssMiB, type ServiceMemory } from './memory';
import { step } from './progress';

/** Connections of every read run (service and bare alike). */
export const READ_CONNECTIONS = 16;
/** Each row alternates bare and service this many times, so that a drift of the machine's load hits both. */
const READ_ROUNDS = 3;
/** Profiles of the miss rows: each read once, so each read misses. */
const MISS_USERS = 8_000;
/** The user-service's production pool and cache TTL, given to the bare server too. */
const PRODUCTION_POOL = 20;
const PRODUCTION_TTL_SECONDS = 600;

/** A row: the service and its bare baseline, each pooled over the rounds, and service / bare per round. */
export interface ReadRow {
  service: MeasuredLoad;
  baseline: MeasuredLoad;
  roundRatios: number[];
}

export interface ReadResult {
  connections: number;
  seconds: number;
  rounds: number;
  cached: ReadRow;
  /** Token already verified once, profile key absent: GET, SELECT, SET. */
  miss: ReadRow & { users: number };
  /** The first read of each token (signature verified) and profile (a miss); shown beside the bare miss. */
  cold: MeasuredLoad;
  memory: ServiceMemory;
  exits: Record<string, string>;
}

/**
 * Authenticated reads of GET /users/me on the user-service (NODE_ENV=production, its real JWKS
 * from the auth-service), each beside a bare Fastify server doing only the Redis (and Postgres)
 * work of the same read, in a process of its own, loaded the same way (bench/loadClient.ts):
 * - cached: one user whose profile is in Redis, at READ_CONNECTIONS connections;
 * - miss: MISS_USERS profiles read once each after their keys were deleted (the tokens were
 *   verified by an earlier pass, as a signed-in user's are);
 * - cold: that earlier pass itself: new token and uncached profile on every request.
 * Cached and miss alternate bare and service in READ_ROUNDS rounds (`seconds` shared out over
 * them), pooled.
 */
export async function readBench(stack: BenchStack, seconds: number): Promise<ReadResult> {
  const tag = `read-${stack.runId}`;
  step(`reads: ${MISS_USERS + 1} profiles into user_db and an access token for each`);
  const ids = await insertProfiles(stack, tag, MISS_USERS + 1);
  const [cachedUser, ...missUsers] = ids;
  const tokens = await Promise.all(ids.map((id) => stack.accessTokenFor(id)));
  const [cachedToken, ...missTokens] = tokens;
  const redis = new Redis(stack.urls.redis);
  const dropProfileKeys = async (users: string[]) => {
    for (let index = 0; index < users.length; index += 1_000)
      await redis.del(...users.slice(index, index + 1_000).map((id) => `user:id:${id}`));
  };

  step('reads: starting the auth-service (JWKS) and the user-service');
  const [auth, user] = await Promise.all([stack.startService('auth-service'), stack.startService('user-service')]);
  const bare = await startBareServer(stack, { poolSize: PRODUCTION_POOL, ttlSeconds: PRODUCTION_TTL_SECONDS });
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const memory: ServiceMemory = { idleMiB: processRssMiB(user.child.pid) };
    const first = await fetch(`${stack.userUrl}/users/me`, { headers: { authorization: `Bearer ${cachedToken}` } });
    if (first.status !== 200) throw new Error(`GET /users/me answered ${first.status}: ${await first.text()}`);

    const load = (
      url: string,
      label: string,
      requests: LoadSpec['requests'],
      run: { seconds?: number; amount?: number },
    ) =>
      runLoad(stack, { url, connections: READ_CONNECTIONS, ...run, requests, keepLatencies: true }, label, {
        pid: (url === bare.url ? bare.process : user).child.pid,
      });
    // Unmeasured warm-ups of both (JIT, pools), then rounds of bare then service.
    await load(bare.url, 'bare cached (warm-up)', { kind: 'fixed', path: `/cached/${cachedUser}` }, { seconds: 2 });
    const cachedRequests = {
      kind: 'fixed',
      path: '/users/me',
      headers: { authorization: `Bearer ${cachedToken}` },
    } as const;
    await load(stack.userUrl, 'cached /users/me (warm-up)', cachedRequests, { seconds: 2 });
    const roundSeconds = Math.max(2, Math.round(seconds / READ_ROUNDS));
    const cachedRuns: Array<{ baseline: MeasuredLoad; service: MeasuredLoad }> = [];
    for (let round = 1; round <= READ_ROUNDS; round++) {
      const baseline = await load(
        bare.url,
        `bare cached, round ${round}`,
        { kind: 'fixed', path: `/cached/${cachedUser}` },
        { seconds: roundSeconds },
      );
      const service = await load(stack.userUrl, `cached /users/me, round ${round}`, cachedRequests, {
        seconds: roundSeconds,
      });
      step(
        `reads: cached, round ${round}: service ${rate(service)}, bare ${rate(baseline)} (${ratioText(service, baseline)})`,
      );
      cachedRuns.push({ baseline, service });
    }

    step(`reads: cold reads of ${missUsers.length} new tokens and profiles`);
    const cold = await load(
      stack.userUrl,
      'cold /users/me',
      { kind: 'bearer', path: '/users/me', tokens: missTokens },
      { amount: missTokens.length },
    );
    step(`reads: cold ${rate(cold)}; misses in ${READ_ROUNDS} rounds of bare (GET, SELECT, SET) then service`);
    const missRuns: Array<{ baseline: MeasuredLoad; service: MeasuredLoad }> = [];
    const groupSize = Math.ceil(missUsers.length / READ_ROUNDS);
    for (let round = 1; round <= READ_ROUNDS; round++) {
      const group = missUsers.slice((round - 1) * groupSize, round * groupSize);
      const groupTokens = missTokens.slice((round - 1) * groupSize, round * groupSize);
      await dropProfileKeys(group);
      const baseline = await load(
        bare.url,
        `bare miss, round ${round}`,
        { kind: 'paths', paths: group.map((id) => `/miss/${id}`) },
        { amount: group.length },
      );
      await dropProfileKeys(group);
      const service = await load(
        stack.userUrl,
        `miss /users/me, round ${round}`,
        { kind: 'bearer', path: '/users/me', tokens: groupTokens },
        { amount: group.length },
      );
      step(
        `reads: miss, round ${round}: service ${rate(service)}, bare ${rate(baseline)} (${ratioText(service, baseline)})`,
      );
      missRuns.push({ baseline, service });
    }
    memory.afterLoadMiB = processRssMiB(user.child.pid);
    const exits = {
      'user-service': String(await user.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })),
      'auth-service': String(await auth.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })),
    };
    return {
      connections: READ_CONNECTIONS,
      seconds,
      rounds: READ_ROUNDS,
      cached: pooled(cachedRuns),
      miss: { users: missUsers.length, ...pooled(missRuns) },
      cold: { ...cold, latenciesMs: undefined },
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
const ratioText = (service: MeasuredLoad, baseline: MeasuredLoad) =>
  (service.perSecond / baseline.perSecond).toFixed(2);

/** Rounds of one row as one: each side pooled, and service / bare per round. */
function pooled(runs: Array<{ baseline: MeasuredLoad; service: MeasuredLoad }>) {
  return {
    service: poolLoads(runs.map((run) => run.service)),
    baseline: poolLoads(runs.map((run) => run.baseline)),
    roundRatios: runs.map((run) => run.service.perSecond / run.baseline.perSecond),
  };
}

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
