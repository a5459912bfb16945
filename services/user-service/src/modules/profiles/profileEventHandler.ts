import {
  acceptQueuedEvent,
  acknowledge,
  retryLater,
  type HandlerResult,
  type QueueBatchHandler,
} from '@platform/shared/messaging';
import { type Logger } from '@platform/shared/logging';
import { withSpan } from '@platform/shared/tracing';
import type { Pool } from '../../infrastructure/database';
import { applyProfileEvents } from './applyProfileEvents';
import { groupCommit } from './groupCommit';
import type { ProfileCache } from './ProfileCache';
import type { ProfileEvent } from './profileEventEffects';

interface Deps {
  pool: Pool;
  cache: ProfileCache;
  logger: Logger;
}

/**
 * The handler core of user-profile-events, run by the sqs-consumer worker and the Lambda alike, a
 * whole receive at a time: the valid events of the batch are applied in one transaction
 * (applyProfileEvents). A message that cannot be parsed or is not for this queue is rejected (to
 * the DLQ at once); a profile that does not exist yet, or a failed transaction, asks for a retry.
 */
export function createProfileEventHandler({ pool, cache, logger }: Deps): QueueBatchHandler {
  // The receives of all pollers, grouped: up to 100 events a transaction, three transactions at a time.
  const apply = groupCommit(
    async (events: ProfileEvent[]) => {
      const applied = await applyProfileEvents(pool, events);
      // After the commit: a changed profile must not be served from the cache.
      await cache.invalidate(...applied.changedUsers);
      return applied.outcomes;
    },
    { maxItems: 100, concurrency: 3 },
  );
  return async (messages) => {
    const results: Array<HandlerResult | undefined> = [];
    const accepted: Array<{ index: number; event: ProfileEvent; acceptance: { log: Logger } }> = [];
    messages.forEach((message, index) => {
      const acceptance = acceptQueuedEvent('user-profile-events', message, logger);
      if (acceptance.accepted) accepted.push({ index, event: acceptance.event, acceptance });
      else results[index] = acceptance.result;
    });
    if (accepted.length > 0) {
      let outcomes;
      try {
        outcomes = await withSpan('user_db apply profile events', applySpanOptions(accepted.length), () =>
          apply(accepted.map(({ event }) => event)),
        );
      } catch (error) {
        logger.error({ err: error, events: accepted.length }, 'applying the events failed; they will be retried');
        for (const { index } of accepted) results[index] = retryLater('applying the event failed');
        return results as HandlerResult[];
      }
      const counts: Record<string, number> = {};
      for (const [position, { index, event, acceptance }] of accepted.entries()) {
        const outcome = outcomes[position]!;
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        // One line per event only at debug: at thousands of events a second, per-event info lines cost more than the work.
        if (logger.isLevelEnabled('debug')) {
          acceptance.log.debug({ outcome, userVersion: event.userVersion }, 'profile event handled');
        }
        results[index] =
          outcome === 'profile-missing' ? retryLater('profile does not exist yet') : acknowledge(outcome);
      }
      logger.info({ events: accepted.length, ...counts }, 'profile events handled');
    }
    return results as HandlerResult[];
  };
}

/**
 * The span of a receive's database work (when tracing): the wait for its group and the transaction
 * that applied it, which may also carry other receives' events (groupCommit).
 */
const applySpanOptions = (events: number) => ({
  attributes: {
    'db.system.name': 'postgresql',
    'db.namespace': 'user_db',
    'db.operation.name': 'apply profile events',
    'db.operation.batch.size': events,
  },
});
