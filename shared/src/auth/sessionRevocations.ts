import type { Redis } from 'ioredis';

const keyOf = (sessionId: string) => `auth:revoked-session:${sessionId}`;

/**
 * Ended sessions, so that their access tokens stop working at once on every service instead of
 * living until they expire. An access token names its session (claim `sid`: the refresh-token
 * family); ending a session (logout, logout-all, password change or reset, deactivation, deletion,
 * a change of roles, refresh-token reuse) writes `auth:revoked-session:<sid>` to Redis for as long
 * as an access token lives. Both services read the same Redis (REDIS_URL).
 */
export function createSessionRevocations(redis: Redis) {
  return {
    /** Ends the access tokens of these sessions for `ttlSeconds` (the access-token lifetime). */
    async end(sessionIds: Iterable<string>, ttlSeconds: number): Promise<void> {
      const ids = [...new Set(sessionIds)];
      if (ids.length === 0) return;
      const batch = redis.multi();
      for (const id of ids) batch.set(keyOf(id), '1', 'EX', ttlSeconds);
      const results = await batch.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('redis did not run the revocation');
    },
    /** True when the session was ended; throws when Redis cannot say (the caller decides). */
    async isEnded(sessionId: string): Promise<boolean> {
      return (await redis.exists(keyOf(sessionId))) === 1;
    },
  };
}

export type SessionRevocations = ReturnType<typeof createSessionRevocations>;
