import { createUserEvent, type UserEventPayload, type UserEventType } from '@platform/shared/events';
import { activeTraceCarrier, recordOutboxEvents } from '@platform/shared/tracing';
import type { Prisma, Tx } from '../../infrastructure/database';

export const PRODUCER = 'auth-service';

export interface OutboxEntry<T extends UserEventType> {
  type: T;
  /** The user row after the change: its version becomes the event's userVersion. */
  user: { id: string; version: number };
  correlationId: string;
  payload: UserEventPayload<T>;
}

/**
 * Adds an event to outbox_events. Call it inside the transaction of the state change it reports,
 * so both commit or neither does; the relay publishes it afterwards. When tracing, the row keeps the
 * trace context of the request, which the relay passes on with the message.
 */
export async function enqueueUserEvent<T extends UserEventType>(tx: Pick<Tx, 'outboxEvent'>, entry: OutboxEntry<T>) {
  const event = toEvent(entry);
  await tx.outboxEvent.create({ data: toRow(event, activeTraceCarrier()) });
  recordOutboxEvents([event]);
  return event;
}

/** Any entry of the catalogue's types. */
export type AnyOutboxEntry = { [T in UserEventType]: OutboxEntry<T> }[UserEventType];

/** Several events in one statement, in the order given (a transaction that reports several changes). */
export async function enqueueUserEvents(tx: Pick<Tx, 'outboxEvent'>, entries: readonly AnyOutboxEntry[]) {
  const events = entries.map((entry) => toEvent(entry as OutboxEntry<UserEventType>));
  const traceContext = activeTraceCarrier();
  await tx.outboxEvent.createMany({ data: events.map((event) => toRow(event, traceContext)) });
  recordOutboxEvents(events);
  return events;
}

function toEvent<T extends UserEventType>(entry: OutboxEntry<T>) {
  return createUserEvent({
    type: entry.type,
    userId: entry.user.id,
    userVersion: entry.user.version,
    correlationId: entry.correlationId,
    producer: PRODUCER,
    payload: entry.payload,
  });
}

function toRow(event: { id: string; type: UserEventType; userId: string }, traceContext: object | undefined) {
  return {
    id: event.id,
    type: event.type,
    userId: event.userId,
    payload: event as unknown as Prisma.InputJsonValue,
    ...(traceContext ? { traceContext: traceContext as Prisma.InputJsonValue } : {}),
  };
}
