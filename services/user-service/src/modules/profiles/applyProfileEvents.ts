import type { Pool, PoolClient } from 'pg';
import {
  profileEventEffect,
  type ProfileEvent,
  type ProfileEventOutcome,
  type ProfileState,
} from './profileEventEffects';

export type AppliedOutcome = ProfileEventOutcome | 'duplicate';

/**
 * Applies a batch of user-profile-events in one transaction of four round trips, whatever the batch
 * size (set-based: a receive of 10 costs about what one event used to):
 * 1. BEGIN and lock the batch's users (transaction-scoped advisory locks, taken in one order, so
 *    concurrent batches and processes serialise per user and never deadlock);
 * 2. read their profiles and which of the events are already settled in the inbox (one statement);
 * 3. fold each user's events in userVersion order through `profileEventEffect` (pure, no I/O);
 * 4. write the new rows, the changed rows, the erasures and every inbox row (one statement), COMMIT.
 * It runs on node-postgres directly rather than Prisma: on this hot path Prisma's interactive
 * transaction cost more CPU than the queries (profiled: about a third of the worker's time).
 * The inbox rows commit with the effects: a redelivered event is a `duplicate` and changes nothing.
 * An event for a profile that does not exist yet is recorded as failed (`profile-missing`) and
 * left for SQS to redeliver.
 * @returns the outcome of each event, in the order given, and the users whose profile changed (for
 * cache invalidation).
 */
export async function applyProfileEvents(
  pool: Pool,
  events: readonly ProfileEvent[],
): Promise<{ outcomes: AppliedOutcome[]; changedUsers: string[] }> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query(`BEGIN; ${lockStatement(events.map((event) => event.userId))}`);
    const result = await applyInTransaction(client, events);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection whose transaction failed oddly is not given back for reuse.
    client.release(failed instanceof Error && !('code' in failed) ? failed : undefined);
  }
}

/**
 * Advisory locks on the users, in ascending key order. The keys are derived here from the user ids
 * (their first 64 bits), so the statement has no parameters and can share BEGIN's round trip.
 */
function lockStatement(userIds: readonly string[]): string {
  const keys = [...new Set(userIds.map((id) => BigInt.asIntN(64, BigInt(`0x${id.replaceAll('-', '').slice(0, 16)}`))))];
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `SELECT pg_advisory_xact_lock(key) FROM unnest('{${keys.join(',')}}'::bigint[]) WITH ORDINALITY AS k(key, n) ORDER BY n`;
}

async function applyInTransaction(client: PoolClient, events: readonly ProfileEvent[]) {
  const outcomes: AppliedOutcome[] = [];
  const userIds = [...new Set(events.map((event) => event.userId))];
  const eventIds = [...new Set(events.map((event) => event.id))];

  const { profiles, settled } = await readState(client, userIds, eventIds);

  const before = new Map(profiles.map((profile) => [profile.id, profile]));
  const after = new Map(before);
  const erased = new Set<string>();
  const inbox: InboxRow[] = [];
  const seen = new Set<string>();
  // Each user's events in userVersion order: the same result as in-order delivery.
  const ordered = events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.userId.localeCompare(b.event.userId) || a.event.userVersion - b.event.userVersion);
  for (const { event, index } of ordered) {
    if (settled.has(event.id) || seen.has(event.id)) {
      outcomes[index] = 'duplicate';
      continue;
    }
    seen.add(event.id);
    const { outcome, state, erase } = profileEventEffect(after.get(event.userId) ?? null, event);
    outcomes[index] = outcome;
    if (state) after.set(event.userId, state);
    if (erase) erased.add(event.userId);
    inbox.push({
      event,
      status: outcome === 'applied' ? 'processed' : outcome === 'stale' ? 'ignored' : 'failed',
      lastError:
        outcome === 'stale'
          ? 'older than the applied state'
          : outcome === 'profile-missing'
            ? 'profile does not exist yet (user.created not applied)'
            : null,
    });
  }

  const inserted = [...after.values()].filter((state) => !before.has(state.id));
  const updated = [...after.values()].filter((state) => before.has(state.id) && before.get(state.id) !== state);
  await writeChanges(client, inserted, updated, erased, inbox);
  // Only changed rows can have a cached copy: a missing profile is never cached (ProfileCache), so a
  // profile this batch created needs no invalidation.
  return { outcomes, changedUsers: updated.map((state) => state.id) };
}

/** The batch's profiles and which of its events are settled already, in one statement. */
async function readState(client: PoolClient, userIds: string[], eventIds: string[]) {
  const { rows } = await client.query<{ kind: 'profile' | 'settled'; id: string } & Record<string, unknown>>({
    // Named: prepared once per connection, so Postgres parses and plans it once, not every batch.
    name: 'profile-events-read-state',
    text: `SELECT 'profile' AS kind, id::text AS id, email, display_name, email_verified, status::text AS status,
            user_version, status_version, email_version, deleted_at
       FROM user_profiles WHERE id = ANY($1::uuid[])
     UNION ALL
     SELECT 'settled', event_id::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
       FROM event_logs WHERE event_id = ANY($2::uuid[]) AND status IN ('processed', 'ignored')`,
    values: [userIds, eventIds],
  });
  const profiles: ProfileState[] = [];
  const settled = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'settled') {
      settled.add(row.id);
      continue;
    }
    profiles.push({
      id: row.id,
      email: row.email as string | null,
      displayName: row.display_name as string | null,
      emailVerified: row.email_verified as boolean,
      status: row.status as ProfileState['status'],
      userVersion: row.user_version as number,
      statusVersion: row.status_version as number,
      emailVersion: row.email_version as number,
      deletedAt: row.deleted_at as Date | null,
    });
  }
  return { profiles, settled };
}

interface InboxRow {
  event: ProfileEvent;
  status: 'processed' | 'ignored' | 'failed';
  lastError: string | null;
}

/**
 * Every write of the batch in one statement (data-modifying CTEs; an empty array writes nothing):
 * new profiles (and their preferences row; a tombstone has none), the changed columns that events
 * own (an erasure also clears what the user entered: display name, phone, avatar), the erased
 * shopping data, and the inbox rows (only envelope fields: payloads may hold personal data).
 */
async function writeChanges(
  client: PoolClient,
  inserted: readonly ProfileState[],
  updated: readonly ProfileState[],
  erased: ReadonlySet<string>,
  inbox: readonly InboxRow[],
) {
  const col = <T>(rows: readonly ProfileState[], pick: (row: ProfileState) => T) => rows.map(pick);
  await client.query({
    name: 'profile-events-write-changes',
    text: `WITH new_profiles AS (
       INSERT INTO user_profiles (id, email, display_name, email_verified, status, user_version, status_version,
                                  email_version, deleted_at, updated_at)
       SELECT id, email, display_name, email_verified, status::profile_status, user_version, status_version,
              email_version, deleted_at, now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::int[], $7::int[], $8::int[],
                   $9::timestamptz[])
         AS t(id, email, display_name, email_verified, status, user_version, status_version, email_version, deleted_at)
       RETURNING id, status
     ), new_preferences AS (
       INSERT INTO user_preferences (user_id, updated_at)
       SELECT id, now() FROM new_profiles WHERE status <> 'deleted'
     ), changed AS (
       UPDATE user_profiles AS p SET
         email = t.email, email_verified = t.email_verified, status = t.status::profile_status,
         user_version = t.user_version, status_version = t.status_version, email_version = t.email_version,
         deleted_at = t.deleted_at,
         display_name = CASE WHEN t.erase THEN NULL ELSE p.display_name END,
         phone = CASE WHEN t.erase THEN NULL ELSE p.phone END,
         avatar_url = CASE WHEN t.erase THEN NULL ELSE p.avatar_url END,
         updated_at = now()
       FROM unnest($10::uuid[], $11::text[], $12::boolean[], $13::text[], $14::int[], $15::int[], $16::int[],
                   $17::timestamptz[], $18::boolean[])
         AS t(id, email, email_verified, status, user_version, status_version, email_version, deleted_at, erase)
       WHERE p.id = t.id
     ), erased_addresses AS (
       DELETE FROM addresses WHERE user_id = ANY($19::uuid[])
     ), erased_payment_methods AS (
       DELETE FROM payment_methods WHERE user_id = ANY($19::uuid[])
     ), erased_wishlist AS (
       DELETE FROM wishlist_items WHERE user_id = ANY($19::uuid[])
     ), erased_preferences AS (
       DELETE FROM user_preferences WHERE user_id = ANY($19::uuid[])
     ), cache_invalidations AS (
       -- Durable cache invalidation (ProfileCache): every profile this batch changed (a new one was never cached).
       INSERT INTO cache_invalidations (user_id)
       SELECT id FROM unnest($10::uuid[]) AS id
       ON CONFLICT (user_id) DO UPDATE SET created_at = now()
     )
     INSERT INTO event_logs (event_id, type, user_id, user_version, correlation_id, status, last_error,
                             processed_at, updated_at)
     SELECT event_id, type, user_id, user_version, correlation_id, status::event_status, last_error,
            CASE WHEN status = 'failed' THEN NULL ELSE now() END, now()
     FROM unnest($20::uuid[], $21::text[], $22::uuid[], $23::int[], $24::text[], $25::text[], $26::text[])
       AS t(event_id, type, user_id, user_version, correlation_id, status, last_error)
     ON CONFLICT (event_id) DO UPDATE SET
       status = EXCLUDED.status, last_error = EXCLUDED.last_error, processed_at = EXCLUDED.processed_at,
       lease_until = NULL, attempts = event_logs.attempts + 1, updated_at = now()`,
    values: [
      col(inserted, (r) => r.id),
      col(inserted, (r) => r.email),
      col(inserted, (r) => r.displayName),
      col(inserted, (r) => r.emailVerified),
      col(inserted, (r) => r.status),
      col(inserted, (r) => r.userVersion),
      col(inserted, (r) => r.statusVersion),
      col(inserted, (r) => r.emailVersion),
      col(inserted, (r) => r.deletedAt),
      col(updated, (r) => r.id),
      col(updated, (r) => r.email),
      col(updated, (r) => r.emailVerified),
      col(updated, (r) => r.status),
      col(updated, (r) => r.userVersion),
      col(updated, (r) => r.statusVersion),
      col(updated, (r) => r.emailVersion),
      col(updated, (r) => r.deletedAt),
      col(updated, (r) => erased.has(r.id)),
      [...erased],
      inbox.map((r) => r.event.id),
      inbox.map((r) => r.event.type),
      inbox.map((r) => r.event.userId),
      inbox.map((r) => r.event.userVersion),
      inbox.map((r) => r.event.correlationId),
      inbox.map((r) => r.status),
      inbox.map((r) => r.lastError),
    ],
  });
}
