import { isUniqueViolation } from '@platform/shared/database';
import type { UserEvent } from '@platform/shared/events';
import type { EventStatus, Prisma } from '../../infrastructure/database';

type Tx = Prisma.TransactionClient;

/** True when this event already reached a final state: a redelivery must change nothing. */
export async function isSettled(tx: Tx, eventId: string): Promise<boolean> {
  const row = await tx.eventLog.findUnique({ where: { eventId }, select: { status: true } });
  return row?.status === 'processed' || row?.status === 'ignored';
}

/**
 * Writes the inbox row of an event in the caller's transaction, so the row and the effect commit
 * together. Only envelope fields are stored: payloads may hold one-time tokens.
 */
export async function recordEvent(tx: Tx, event: UserEvent, status: EventStatus, lastError?: string) {
  const settled = status === 'processed' || status === 'ignored';
  const fields = {
    status,
    lastError: lastError?.slice(0, 1000) ?? null,
    processedAt: settled ? new Date() : null,
    leaseUntil: null,
  };
  await tx.eventLog.upsert({
    where: { eventId: event.id },
    create: {
      eventId: event.id,
      type: event.type,
      userId: event.userId,
      userVersion: event.userVersion,
      correlationId: event.correlationId,
      ...fields,
    },
    update: { ...fields, attempts: { increment: 1 } },
  });
}

/**
 * Runs a transaction again once when it lost a race on a unique key: two deliveries of one event
 * raced, and the rerun sees the winner's row.
 */
export async function retryOnceOnUniqueViolation<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return run();
  }
}
