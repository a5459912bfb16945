import { createUserEvent, type UserEventPayload, type UserEventType } from '@platform/shared/events';
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
 * so both commit or neither does; the relay publishes it afterwards.
 */
export async function enqueueUserEvent<T extends UserEventType>(tx: Pick<Tx, 'outboxEvent'>, entry: OutboxEntry<T>) {
  const event = createUserEvent({
    type: entry.type,
    userId: entry.user.id,
    userVersion: entry.user.version,
    correlationId: entry.correlationId,
    producer: PRODUCER,
    payload: entry.payload,
  });
  await tx.outboxEvent.create({
    data: {
      id: event.id,
      type: event.type,
      userId: event.userId,
      payload: event as unknown as Prisma.InputJsonValue,
    },
  });
  return event;
}
