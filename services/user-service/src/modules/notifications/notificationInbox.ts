import type { UserEvent } from '@platform/shared/events';
import type { Database } from '../../infrastructure/database';

/** Longer than any send may take (SMTP timeouts are bounded), shorter than the retry window before the DLQ. */
export const MAIL_LEASE_SECONDS = 60;

export type Claim = 'claimed' | 'duplicate' | 'busy';

/**
 * A mail cannot commit in one transaction with a database row, so the inbox row is a lease: one
 * atomic statement claims the event unless it was sent already or another delivery is sending it
 * right now. Sent → `processed`; failed → `failed`, claimable again by the next delivery. Only a
 * crash between sending and marking can send twice; every mail carries the event id as Message-ID.
 */
export async function claimNotification(prisma: Database, event: UserEvent): Promise<Claim> {
  const claimed = await prisma.$queryRaw<Array<{ event_id: string }>>`
    INSERT INTO event_logs (event_id, type, user_id, user_version, correlation_id, status, attempts, lease_until, received_at, updated_at)
    VALUES (${event.id}::uuid, ${event.type}, ${event.userId}::uuid, ${event.userVersion}, ${event.correlationId},
            'processing', 1, now() + make_interval(secs => ${MAIL_LEASE_SECONDS}), now(), now())
    ON CONFLICT (event_id) DO UPDATE
      SET status = 'processing', lease_until = EXCLUDED.lease_until, attempts = event_logs.attempts + 1, updated_at = now()
      WHERE event_logs.status = 'failed' OR (event_logs.status = 'processing' AND event_logs.lease_until < now())
    RETURNING event_id`;
  if (claimed.length > 0) return 'claimed';
  const row = await prisma.eventLog.findUnique({ where: { eventId: event.id }, select: { status: true } });
  return row?.status === 'processed' || row?.status === 'ignored' ? 'duplicate' : 'busy';
}

export async function markNotificationSent(prisma: Database, eventId: string) {
  await prisma.eventLog.update({
    where: { eventId },
    data: { status: 'processed', processedAt: new Date(), leaseUntil: null, lastError: null },
  });
}

export async function markNotificationFailed(prisma: Database, eventId: string, reason: string) {
  await prisma.eventLog.update({
    where: { eventId },
    data: { status: 'failed', leaseUntil: null, lastError: reason.slice(0, 1000) },
  });
}
