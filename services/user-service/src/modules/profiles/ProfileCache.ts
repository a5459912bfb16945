import type { Logger } from '@platform/shared/logging';
import type { Redis } from '@platform/shared/redis';
import { Counter, type Registry } from 'prom-client';
import type { Database } from '../../infrastructure/database';
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
 */
export class ProfileCache {
  private readonly loading = new Map<string, Promise<ProfileView | null>>();
  /** Invalidations that failed while Redis was down; replayed when it is back. */
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
    deps.redis.on('ready', () => void this.replayInvalidations());
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

  /** Called after every committed change of a profile or its data. */
  async invalidate(userId: string): Promise<void> {
    this.invalidations++;
    this.loading.delete(userId);
    try {
      await this.deps.redis.del(profileCacheKey(userId));
      this.pendingInvalidations.delete(userId);
    } catch (error) {
      this.pendingInvalidations.add(userId);
      this.deps.logger.warn({ err: error, userId }, 'profile cache invalidation deferred until redis is back');
    }
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

  private async replayInvalidations() {
    for (const userId of [...this.pendingInvalidations]) await this.invalidate(userId);
  }
}
