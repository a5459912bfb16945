import { rawRoundtrip } from './baselines';
import type { BenchStack } from './infra';
import { liveCounter, step } from './progress';
import { perSecond, summarize, type LatencySummary } from './stats';
import { watchUntilDone } from './watch';

/** The low rate the latency targets are stated for, and the sustained load. */
export const LOW_RATE = { accounts: 100, perSecond: 5 };
export const SUSTAINED = { accounts: 300, concurrency: 8 };
const BASELINE = { roundTrips: 200, intervalMs: 50 };
const PASSWORD = 'bench-Quokka-password-8812';

export interface LatencyPhase {
  accounts: number;
  /** Registrations per second achieved (started to last response). */
  achievedPerSecond: number;
  /**
   * register→profile, ms: from the commit of the registration (auth_db) to the commit of the profile
   * (user_db), by the servers' commit timestamps; where the server records none, from the start of
   * the registration transaction (users.created_at) to the profile's created_at.
   */
  latencyMs: LatencySummary;
  measuredFrom: 'commit' | 'transaction start';
  /** The registration transaction itself: users.created_at → its commit (only with commit timestamps). */
  registrationTransactionMs?: LatencySummary;
  /** The HTTP response time of POST /auth/register, ms (argon2 hashing included). */
  registerMs: LatencySummary;
  /**
   * Where the latency went, by the outbox row's published_at (as the relay writes it): users.created_at
   * → published_at, and published_at → user_profiles.created_at. Absent if the outbox has no such column.
   */
  split?: { toPublishedMs: LatencySummary; publishedToProfileMs: LatencySummary };
}

export interface LatencyResult {
  baseline: { roundTrips: number; intervalMs: number; latencyMs: LatencySummary };
  low: LatencyPhase & { requestedPerSecond: number };
  sustained: LatencyPhase & { concurrency: number };
  exits: Record<string, string>;
}

/**
 * register→profile latency. Baseline: bare SNS Publish → SQS receive round trips on the same
 * emulator (one at a time, a receiver long-polling the profile queue). Then both services started
 * and accounts registered through POST /auth/register, first at a low rate, then at a sustained
 * load; per account, the latency from the auth_db row's created_at to the user_db profile's
 * created_at (both Postgres on this machine's clock).
 */
export async function latencyBench(stack: BenchStack): Promise<LatencyResult> {
  await stack.purgeQueues();
  step(
    `latency baseline: ${BASELINE.roundTrips} SNS publish → SQS receive round trips, one every ${BASELINE.intervalMs} ms`,
  );
  const raw = await rawRoundtrip(stack, BASELINE.roundTrips, BASELINE.intervalMs);
  const baseline = { ...BASELINE, latencyMs: summarize(raw.latenciesMs) };
  step(`latency baseline: p50 ${baseline.latencyMs.p50.toFixed(1)} ms, p99 ${baseline.latencyMs.p99.toFixed(1)} ms`);
  await stack.purgeQueues();

  step('latency: starting the auth-service and the user-service');
  const [auth, user] = await Promise.all([stack.startService('auth-service'), stack.startService('user-service')]);
  let client = 0;
  const register = async (phase: string, index: number) => {
    client++;
    const startedAt = performance.now();
    const response = await fetch(`${stack.authUrl}/auth/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`,
      },
      body: JSON.stringify({
        email: `bench-${stack.runId}-${phase}-${index}@example.com`,
        password: PASSWORD,
        displayName: `Bench ${phase} ${index}`,
      }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { user?: { id?: string } };
    if (response.status !== 201 || !body.user?.id)
      throw new Error(`POST /auth/register answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return { userId: body.user.id, ms: performance.now() - startedAt };
  };
  try {
    step(`latency: ${LOW_RATE.accounts} registrations at ${LOW_RATE.perSecond}/s`);
    const low = await runPhase(stack, 'low', LOW_RATE.accounts, async (index, phaseStartedAt) => {
      // Open loop: each request at its slot, whether or not earlier ones have answered.
      const slot = phaseStartedAt + index * (1000 / LOW_RATE.perSecond);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, slot - performance.now())));
      return register('low', index);
    });
    step(`latency: ${SUSTAINED.accounts} registrations, ${SUSTAINED.concurrency} at a time`);
    const sustained = await runPhase(
      stack,
      'sustained',
      SUSTAINED.accounts,
      (index) => register('sustained', index),
      SUSTAINED.concurrency,
    );
    const exits = {
      'user-service': String(await user.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })),
      'auth-service': String(await auth.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })),
    };
    return {
      baseline,
      low: { ...low, requestedPerSecond: LOW_RATE.perSecond },
      sustained: { ...sustained, concurrency: SUSTAINED.concurrency },
      exits,
    };
  } finally {
    for (const service of [user, auth])
      await service.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
  }
}

/**
 * Runs `accounts` registrations (`concurrency` at a time, or all scheduled at once when the task
 * paces itself), waits until every profile exists, and computes the latencies from the databases.
 */
async function runPhase(
  stack: BenchStack,
  phase: string,
  accounts: number,
  registerOne: (index: number, phaseStartedAt: number) => Promise<{ userId: string; ms: number }>,
  concurrency = accounts,
): Promise<LatencyPhase> {
  const counter = liveCounter(`latency ${phase}: registered`);
  const results: Array<{ userId: string; ms: number }> = [];
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < accounts; index = next++) {
        results.push(await registerOne(index, startedAt));
        counter.update(`${results.length}/${accounts}`);
      }
    }),
  );
  const achievedPerSecond = perSecond(accounts, performance.now() - startedAt);
  counter.done(`${accounts}/${accounts} at ${achievedPerSecond.toFixed(1)}/s`);
  const ids = results.map((result) => result.userId);
  await watchUntilDone({
    label: `latency ${phase}: profiles in user_db`,
    total: accounts,
    countDone: async () => {
      const { rows } = await stack.userDb.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM user_profiles WHERE id = ANY($1::uuid[])',
        [ids],
      );
      return rows[0]!.n;
    },
    pollMs: 100,
    stallMs: 30_000,
    waitOnly: true,
  });
  // Epoch milliseconds as floats (a Date would round to whole milliseconds). Each row is written once
  // in this bench, so its xmin is the transaction that created it.
  const moments = async (db: BenchStack['authDb'], table: string) => {
    const { rows } = await db.query<{ id: string; started: number; committed: number | null }>(
      `SELECT id::text AS id, extract(epoch FROM created_at) * 1000 AS started,
              ${stack.commitTimestamps ? 'extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000' : 'NULL'} AS committed
         FROM ${table} WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { started: Number(row.started), committed: row.committed }]));
  };
  const [users, profiles] = await Promise.all([moments(stack.authDb, 'users'), moments(stack.userDb, 'user_profiles')]);
  const pick = (id: string) => {
    const user = users.get(id);
    const profile = profiles.get(id);
    if (!user || !profile) throw new Error(`latency ${phase}: no users/user_profiles row for ${id}`);
    return { user, profile };
  };
  const byCommit = stack.commitTimestamps;
  const from = new Map(ids.map((id) => [id, byCommit ? Number(pick(id).user.committed) : pick(id).user.started]));
  const to = new Map(ids.map((id) => [id, byCommit ? Number(pick(id).profile.committed) : pick(id).profile.started]));
  return {
    accounts,
    achievedPerSecond,
    latencyMs: summarize(ids.map((id) => to.get(id)! - from.get(id)!)),
    measuredFrom: byCommit ? 'commit' : 'transaction start',
    ...(byCommit
      ? {
          registrationTransactionMs: summarize(
            ids.map((id) => Number(pick(id).user.committed) - pick(id).user.started),
          ),
        }
      : {}),
    registerMs: summarize(results.map((result) => result.ms)),
    ...(await splitAtPublished(stack, ids, from, to)),
  };
}

/** The two halves of each latency, cut at the outbox row's published_at; nothing if that cannot be read. */
async function splitAtPublished(
  stack: BenchStack,
  ids: string[],
  users: Map<string, number>,
  profiles: Map<string, number>,
): Promise<Pick<LatencyPhase, 'split'>> {
  try {
    const { rows } = await stack.authDb.query<{ id: string; published: number | null }>(
      `SELECT payload->>'userId' AS id, extract(epoch FROM published_at) * 1000 AS published FROM outbox_events
       WHERE type = 'user.created' AND payload->>'userId' = ANY($1::text[])`,
      [ids],
    );
    const published = new Map(
      rows.filter((row) => row.published !== null).map((row) => [row.id, Number(row.published)]),
    );
    if (published.size !== ids.length) return {};
    return {
      split: {
        toPublishedMs: summarize(ids.map((id) => published.get(id)! - users.get(id)!)),
        publishedToProfileMs: summarize(ids.map((id) => profiles.get(id)! - published.get(id)!)),
      },
    };
  } catch {
    return {};
  }
}
