import {
  acknowledge,
  InvalidEventError,
  parseUserEvent,
  retryLater,
  withCorrelationId,
  type Logger,
  type QueueMessageHandler,
  type UserEventType,
} from '@platform/shared';
import type { Database } from '../../infrastructure/database';
import { applyProfileEvent } from './applyProfileEvent';
import type { ProfileCache } from './ProfileCache';

export const profileEventTypes: readonly UserEventType[] = [
  'user.created',
  'user.email.verified',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
];

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
    let event;
    try {
      event = parseUserEvent(message.body);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      logger.warn({ messageId: message.messageId, issues: error.issues }, `rejected message: ${error.message}`);
      return retryLater(`invalid event: ${error.message}`);
    }
    if (!profileEventTypes.includes(event.type))
      return retryLater(`event type ${event.type} does not belong on this queue`);

    const log = withCorrelationId(logger, event.correlationId).child({
      eventId: event.id,
      type: event.type,
      userId: event.userId,
    });
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
