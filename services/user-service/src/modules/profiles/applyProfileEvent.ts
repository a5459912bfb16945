import type { Database, Prisma } from '../../infrastructure/database';
import { isSettled, recordEvent, retryOnceOnUniqueViolation } from '../inbox';
import { eraseProfile, type LockedProfile, type ProfileEvent, profileEventEffect } from './profileEventEffects';

export type ProfileEventOutcome = 'applied' | 'duplicate' | 'stale' | 'profile-missing';

/**
 * Applies one event of user-profile-events with the inbox rule: the effect and the inbox row
 * commit in one transaction; a settled event id changes nothing; an event older than what the
 * profile reflects is recorded as ignored; an event for a profile not created yet is recorded as
 * failed and left for SQS to redeliver.
 */
export function applyProfileEvent(prisma: Database, event: ProfileEvent): Promise<ProfileEventOutcome> {
  return retryOnceOnUniqueViolation(() =>
    prisma.$transaction(async (tx) => {
      // Lock first, then read the inbox: a concurrent delivery of the same event waits on the lock
      // and then sees the row the first one committed.
      const profile = await lockProfile(tx, event.userId);
      if (await isSettled(tx, event.id)) return 'duplicate';

      if (!profile && event.type !== 'user.created') {
        await recordEvent(tx, event, 'failed', 'profile does not exist yet (user.created not applied)');
        return 'profile-missing';
      }
      const applied =
        event.type === 'user.deleted' && profile
          ? await eraseProfile(tx, profile, event)
          : await profileEventEffect(tx, profile, event);
      await recordEvent(
        tx,
        event,
        applied ? 'processed' : 'ignored',
        applied ? undefined : 'older than the applied state',
      );
      return applied ? 'applied' : 'stale';
    }),
  );
}

async function lockProfile(tx: Prisma.TransactionClient, userId: string): Promise<LockedProfile | null> {
  const rows = await tx.$queryRaw<LockedProfile[]>`
    SELECT id, status::text AS status, user_version AS "userVersion", status_version AS "statusVersion",
           email_version AS "emailVersion"
    FROM user_profiles WHERE id = ${userId}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}
