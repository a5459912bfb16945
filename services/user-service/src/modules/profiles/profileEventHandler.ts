import { acceptQueuedEvent, acknowledge, type QueueMessageHandler, retryLater } from '@platform/shared/messaging';
import type { Logger } from '@platform/shared/logging';
import type { Database } from '../../infrastructure/database';
import { applyProfileEvent } from './applyProfileEvent';
import type { ProfileCache } from './ProfileCache';

interface Deps {
  prisma: Database;
  cache: ProfileCache;
  logger: Logger;
}

/**
 * The handler core of user-profile-events, run by the sqs-consumer worker and the Lambda alike.
 * A message that cannot be parsed or is not for this queue asks for a retry with its reason: it is
 * never dropped, and after maxReceiveCount the redrive policy moves it to the DLQ.
 */
export function createProfileEventHandler({ prisma, cache, logger }: Deps): QueueMessageHandler {
  return async (message) => {
    const accepted = acceptQueuedEvent('user-profile-events', message, logger);
    if (!accepted.accepted) return accepted.result;
    const { event, log } = accepted;
    let outcome;
    try {
      outcome = await applyProfileEvent(prisma, event);
    } catch (error) {
      log.error({ err: error }, 'applying the event failed; it will be retried');
      return retryLater('applying the event failed');
    }
    if (outcome === 'applied') await cache.invalidate(event.userId);
    log.info({ outcome, userVersion: event.userVersion }, 'profile event handled');
    if (outcome === 'profile-missing') return retryLater('profile does not exist yet');
    return acknowledge(outcome);
  };
}
