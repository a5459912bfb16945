import type { Logger } from '@platform/shared/logging';
import type { Redis } from '@platform/shared/redis';
import { Counter, type Registry } from 'prom-client';
import type { Database, Prisma } from '../../infrastructure/database';
import { profileSchema, type ProfileView, toProfileView } from './profileSchemas';

export const profileCacheKey = (userId: string) => `user:id:${userId}`;

interface Deps {
  redis: Redis;
  prisma: Database;
  ttlSeconds: number;
  registry: Registry;
  logger: Logger;
}

/**
 * Cache-aside for profiles. Redis is an optimisation only: any Redis failure is a miss and the
 * profile comes from Postgres. Concurrent misses for one user in this process share one load, so a
 * burst of requests after an invalidation costs one query, not one per request.
 * A missing profile is never cached: right after register it appears within a second, and a
 * cached "not found" would hide it for a whole TTL.
 *
 * Invalidation is durable: a transaction that changes a profile also writes its id to
 * `cache_invalidations` (`recordInvalidation`, or the event path's set-based write). After the commit
 * `invalidate` drops the key and the row; if Redis is unreachable, or the process dies first, the
 * row stays, and `sweep` (every few seconds in the server, on Redis reconnect, at each Lambda
 * invocation) drops the key as soon as Redis answers, whichever process runs it.
 */
export class ProfileCache {
  private readonly loading = new Map<string, Promise<ProfileView | null>>();
  /** Invalidations this process could not make (Redis down): no load of these users is cached meanwhile. */
  private readonly pendingInvalidations = new Set<string>();
  private readonly lookups: Counter<'result'>;
  private readonly loads: Counter;
  /** Bumped by every invalidation: a load that overlapped one may hold old data and is not stored. */
  private invalidations = 0;

  constructor(private readonly deps: Deps) {
    this.lookups = new Counter({
      name: 'user_profile_cache_lookups_total',
      help: 'Profile cache lookups by result (hit, miss, error = Redis unavailable)',
      labelNames: ['result'] as const,
      registers: [deps.registry],
    });
    this.loads = new Counter({
      name: 'user_profile_cache_loads_total',
      help: 'Profiles loaded from Postgres on a cache miss (concurrent misses of one profile share one load)',
      registers: [deps.registry],
    });
    deps.redis.on('ready', () => void this.sweep().catch(() => undefined));
  }

  async get(userId: string): Promise<ProfileView | null> {
    const cached = await this.read(userId);
    if (cached) return cached;
    const inFlight = this.loading.get(userId);
    if (inFlight) return inFlight;
    const load = this.loadAndStore(userId).finally(() => this.loading.delete(userId));
    this.loading.set(userId, load);
    return load;
  }

  /**
   * Called after the commit of every change of these profiles (whose transaction recorded them in
   * cache_invalidations): drops their keys, then their rows. A failure leaves the rows for `sweep`.
   */
  async invalidate(...userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    this.invalidations++;
    for (const userId of userIds) this.loading.delete(userId);
    const startedAt = new Date();
    try {
      await this.deps.redis.del(...userIds.map(profileCacheKey));
    } catch (error) {
      for (const userId of userIds) this.pendingInvalidations.add(userId);
      this.deps.logger.warn(
        { err: error, users: userIds.length },
        'profile cache invalidation deferred until redis is back',
      );
      return;
    }
    for (const userId of userIds) this.pendingInvalidations.delete(userId);
    // Rows written again by a later change (created_at after ours) stay for that change's own invalidation.
    await this.deps.prisma.$executeRaw`
      DELETE FROM cache_invalidations WHERE user_id = ANY(${userIds}::uuid[]) AND created_at <= ${startedAt}`.catch(
      (error: unknown) => this.deps.logger.warn({ err: error }, 'clearing cache_invalidations failed; sweep retries'),
    );
  }

  /**
   * Drops the keys of every recorded invalidation (up to 500 a call), then their rows: the ones a
   * Redis outage or a crash left behind. Returns how many it cleared; throws while Redis is down.
   */
  async sweep(): Promise<number> {
    const rows = await this.deps.prisma.$queryRaw<Array<{ userId: string; createdAt: Date }>>`
      SELECT user_id::text AS "userId", created_at AS "createdAt" FROM cache_invalidations
      ORDER BY created_at LIMIT 500`;
    if (rows.length === 0) return 0;
    this.invalidations++;
    await this.deps.redis.del(...rows.map((row) => profileCacheKey(row.userId)));
    for (const row of rows) this.pendingInvalidations.delete(row.userId);
    await this.deps.prisma.$executeRaw`
      DELETE FROM cache_invalidations AS c USING unnest(${rows.map((row) => row.userId)}::uuid[],
        ${rows.map((row) => row.createdAt)}::timestamptz[]) AS t(user_id, created_at)
      WHERE c.user_id = t.user_id AND c.created_at <= t.created_at`;
    return rows.length;
  }

  private async read(userId: string): Promise<ProfileView | null> {
    try {
      const raw = await this.deps.redis.get(profileCacheKey(userId));
      const parsed = raw ? profileSchema.safeParse(JSON.parse(raw)) : undefined;
      this.lookups.inc({ result: parsed?.success ? 'hit' : 'miss' });
      return parsed?.success ? parsed.data : null;
    } catch {
      this.lookups.inc({ result: 'error' });
      return null;
    }
  }

  private async loadAndStore(userId: string): Promise<ProfileView | null> {
    const invalidationsBefore = this.invalidations;
    this.loads.inc();
    const row = await this.deps.prisma.userProfile.findUnique({ where: { id: userId } });
    if (!row) return null;
    const view = toProfileView(row);
    // A write that invalidated while we were loading must win over what we read before it.
    if (this.invalidations === invalidationsBefore && !this.pendingInvalidations.has(userId)) {
      await this.deps.redis
        .set(profileCacheKey(userId), JSON.stringify(view), 'EX', this.deps.ttlSeconds)
        .catch(() => undefined);
    }
    return view;
  }
}

/** Records, in the caller's transaction, that this profile's cached copy must go (see ProfileCache). */
export async function recordInvalidation(tx: Pick<Prisma.TransactionClient, '$executeRaw'>, userId: string) {
  await tx.$executeRaw`
    INSERT INTO cache_invalidations (user_id) VALUES (${userId}::uuid)
    ON CONFLICT (user_id) DO UPDATE SET created_at = now()`;
}
