import { rawDrain } from './baselines';
import { userCreatedEvents } from './events';
import type { BenchStack } from './infra';
import { step } from './progress';
import { watchUntilDone, type Throughput } from './watch';

/** Pollers of the raw drain; the best of them is the baseline ("the broker at its best"). */
const RAW_POLLERS = [1, 2, 4, 8];

export interface ConsumerResult {
  events: number;
  service: Throughput & { processedInboxRows: number; leftInQueue: number; inDeadLetterQueue: number; exit: string };
  baseline: {
    pollers: number;
    perSecond: number;
    runs: Array<{ pollers: number; perSecond: number; elapsedMs: number }>;
  };
}

/**
 * Consumer throughput. Baseline: the same N `user.created` messages, published through the topic
 * (so they are wrapped exactly as SNS delivers them), drained by a raw ReceiveMessage(10) +
 * DeleteMessageBatch loop with 1, 2, 4 and 8 pollers; the best counts. Then the N messages again,
 * and the user-service (its real workers, USER_WORKERS default on) started on them: events/s from
 * its first profile to its N-th, counted in user_db.
 */
export async function consumerBench(stack: BenchStack, count: number): Promise<ConsumerResult> {
  const events = userCreatedEvents(count, `consumer-${stack.runId}`);
  const runs: ConsumerResult['baseline']['runs'] = [];
  for (const pollers of RAW_POLLERS) {
    await stack.purgeQueues();
    step(`consumer baseline: ${count} messages through the topic into user-profile-events`);
    await stack.preload(events, stack.profileQueue.url);
    const result = await rawDrain(stack, count, pollers);
    step(
      `consumer baseline: ${pollers} poller${pollers === 1 ? '' : 's'} drained ${count} in ${(result.elapsedMs / 1000).toFixed(2)} s: ${Math.round(result.perSecond)}/s`,
    );
    runs.push({ pollers, perSecond: result.perSecond, elapsedMs: result.elapsedMs });
  }
  const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

  await stack.purgeQueues();
  step(`consumer: the same ${count} messages into user-profile-events again`);
  await stack.preload(events, stack.profileQueue.url);
  const before = await countProfiles(stack);
  step('consumer: starting the user-service on them');
  const service = stack.spawnService('user-service');
  const ready = stack.waitReady('user-service', service);
  ready.catch(() => undefined);
  try {
    const throughput = await watchUntilDone({
      label: 'consumer: profiles in user_db',
      total: count,
      countDone: async () => (await countProfiles(stack)) - before,
      process: service,
    });
    await ready;
    const { rows } = await stack.userDb.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM event_logs WHERE status = 'processed' AND type = 'user.created'`,
    );
    const exit = String(await service.stop({ signal: 'SIGTERM', timeoutMs: 30_000 }));
    return {
      events: count,
      service: {
        ...throughput,
        processedInboxRows: rows[0]!.n,
        leftInQueue: await stack.queueDepth(stack.profileQueue.url),
        inDeadLetterQueue: await stack.queueDepth(stack.profileQueue.deadLetterQueueUrl),
        exit,
      },
      baseline: { pollers: best.pollers, perSecond: best.perSecond, runs },
    };
  } finally {
    await service.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
  }
}

async function countProfiles(stack: BenchStack): Promise<number> {
  const { rows } = await stack.userDb.query<{ n: number }>('SELECT count(*)::int AS n FROM user_profiles');
  return rows[0]!.n;
}
