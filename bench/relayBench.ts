import { rawPublish } from './baselines';
import { userCreatedEvents } from './events';
import type { BenchStack } from './infra';
import { step } from './progress';
import { watchUntilDone, type Throughput } from './watch';

/** Concurrent PublishBatch calls of the raw baseline; the best of them counts. */
const RAW_IN_FLIGHT = [1, 2, 4, 8];

export interface RelayResult {
  events: number;
  service: Throughput & { deliveredToQueue: number; exit: string };
  baseline: {
    inFlight: number;
    perSecond: number;
    runs: Array<{ inFlight: number; perSecond: number; elapsedMs: number }>;
  };
}

/**
 * Relay throughput. Baseline: N equivalent `user.created` messages by raw PublishBatch (10 entries a
 * call) with 1, 2, 4 and 8 calls in flight to the same topic (fanning out to the same queue); the
 * best counts. Then N pending rows inserted into auth_db's outbox_events by SQL, as the
 * auth-service's outbox writer leaves them, and the auth-service started: events/s from the first
 * published row to the last, counted in auth_db.
 */
export async function relayBench(stack: BenchStack, count: number): Promise<RelayResult> {
  const runs: RelayResult['baseline']['runs'] = [];
  for (const inFlight of RAW_IN_FLIGHT) {
    await stack.purgeQueues();
    const result = await rawPublish(stack, count, inFlight);
    step(
      `relay baseline: ${inFlight} PublishBatch call${inFlight === 1 ? '' : 's'} in flight: ${count} in ${(result.elapsedMs / 1000).toFixed(2)} s: ${Math.round(result.perSecond)}/s`,
    );
    runs.push({ inFlight, perSecond: result.perSecond, elapsedMs: result.elapsedMs });
  }
  const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  await stack.purgeQueues();

  step(`relay: ${count} pending rows into auth_db.outbox_events`);
  await insertPendingOutboxRows(stack, count);
  const pending = async () => {
    const { rows } = await stack.authDb.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL',
    );
    return rows[0]!.n;
  };
  const before = await pending();
  step('relay: starting the auth-service');
  const service = stack.spawnService('auth-service');
  const ready = stack.waitReady('auth-service', service);
  ready.catch(() => undefined);
  try {
    const throughput = await watchUntilDone({
      label: 'relay: outbox rows published',
      total: before,
      countDone: async () => before - (await pending()),
      process: service,
    });
    await ready;
    const exit = String(await service.stop({ signal: 'SIGTERM', timeoutMs: 30_000 }));
    const deliveredToQueue = await stack.queueDepth(stack.profileQueue.url);
    await stack.purgeQueues();
    return {
      events: count,
      service: { ...throughput, deliveredToQueue, exit },
      baseline: { inFlight: best.inFlight, perSecond: best.perSecond, runs },
    };
  } finally {
    await service.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
  }
}

/**
 * N outbox rows of N users' `user.created`, as outboxWriter.ts writes them: id = the event id, type,
 * payload = the whole envelope, and any other column named after an envelope field (user_id ←
 * userId, …); the rest (created_at, next_attempt_at, attempts, …) take their defaults. Read from the
 * table itself, so a column added to the outbox needs no change here unless it has no default and
 * matches no envelope field (then this says so).
 */
async function insertPendingOutboxRows(stack: BenchStack, count: number): Promise<void> {
  const { rows: columns } = await stack.authDb.query<{
    column_name: string;
    udt_name: string;
    required: boolean;
  }>(
    `SELECT column_name, udt_name, (is_nullable = 'NO' AND column_default IS NULL) AS required
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'outbox_events'`,
  );
  const events = userCreatedEvents(count, `relay-${stack.runId}`);
  const valueOf = (event: (typeof events)[number], column: string): unknown => {
    if (column === 'payload') return JSON.stringify(event);
    const field = column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const value = (event as unknown as Record<string, unknown>)[field];
    return value !== null && typeof value === 'object' ? undefined : value;
  };
  const filled = columns.filter((column) => valueOf(events[0]!, column.column_name) !== undefined);
  const missing = columns.filter((column) => column.required && !filled.includes(column));
  if (missing.length || !filled.some((column) => column.column_name === 'payload'))
    throw new Error(
      `outbox_events has required columns the bench cannot fill (${missing.map((column) => column.column_name).join(', ') || 'payload'}): ` +
        'update insertPendingOutboxRows in bench/relayBench.ts to the new row shape',
    );
  const names = filled.map((column) => `"${column.column_name}"`).join(', ');
  const arrays = filled.map((column, index) => `$${index + 1}::"${column.udt_name}"[]`).join(', ');
  for (let start = 0; start < events.length; start += 1000) {
    const slice = events.slice(start, start + 1000);
    await stack.authDb.query(
      `INSERT INTO outbox_events (${names}) SELECT * FROM unnest(${arrays})`,
      filled.map((column) => slice.map((event) => valueOf(event, column.column_name))),
    );
  }
}
