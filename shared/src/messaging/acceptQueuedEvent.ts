import type { Logger } from 'pino';
import { InvalidEventError, parseUserEvent, type UserEvent } from '../events/envelope';
import { withCorrelationId } from '../logging/logger';
import type { EventTypesRoutedTo } from '../events/catalogue';
import { queueDefinition, type QueueName } from '../topology/definition';
import { reject, type HandlerResult, type QueueMessage } from './queueMessage';

/** The event types a queue receives: those the catalogue routes to it (its subscription's filter policy). */
export type QueuedEventType<Q extends QueueName> = EventTypesRoutedTo<Q>;

export type AcceptedEvent<Q extends QueueName> =
  { accepted: true; event: UserEvent<QueuedEventType<Q>>; log: Logger } | { accepted: false; result: HandlerResult };

/** What a handler accepted from a message, for observers (event lag, tracing); never the payload. */
export type AcceptedEventSummary = Pick<UserEvent, 'id' | 'type' | 'occurredAt'>;

// Weak: a message and its summary go when the runner lets go of the message.
const acceptedEvents = new WeakMap<QueueMessage, AcceptedEventSummary>();

/**
 * The event a handler accepted from this message (acceptQueuedEvent), so that a HandlerObserver can
 * measure its lag without parsing the body again; undefined for a message that was rejected.
 */
export function acceptedEventOf(message: QueueMessage): AcceptedEventSummary | undefined {
  return acceptedEvents.get(message);
}

/**
 * The common start of every queue handler core: parse the body (a tolerant reader) and check that
 * the event is one the queue subscribes to. A malformed, unknown or misrouted message can never
 * succeed: it is rejected with its reason and goes to the DLQ at once, never dropped. An accepted event comes with a logger carrying its correlation id, id, type and user.
 * @example const accepted = acceptQueuedEvent('user-profile-events', message, logger); if (!accepted.accepted) return accepted.result;
 */
export function acceptQueuedEvent<Q extends QueueName>(
  queue: Q,
  message: QueueMessage,
  logger: Logger,
): AcceptedEvent<Q> {
  let event: UserEvent;
  try {
    event = parseUserEvent(message.body);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    // Issues name paths and rules, never values: the body may hold a one-time token.
    logger.warn({ messageId: message.messageId, issues: error.issues }, `rejected message: ${error.message}`);
    return { accepted: false, result: reject(`invalid event: ${error.message}`) };
  }
  const accepts: readonly string[] = queueDefinition(queue).subscription.eventTypes;
  if (!accepts.includes(event.type)) {
    return { accepted: false, result: reject(`event type ${event.type} does not belong on ${queue}`) };
  }
  acceptedEvents.set(message, { id: event.id, type: event.type, occurredAt: event.occurredAt });
  // The event's logger is made on first use: a child logger per event costs more than most handlers log.
  let log: Logger | undefined;
  return {
    accepted: true,
    event: event as UserEvent<QueuedEventType<Q>>,
    get log() {
      return (log ??= withCorrelationId(logger, event.correlationId).child({
        eventId: event.id,
        type: event.type,
        userId: event.userId,
      }));
    },
  };
}
