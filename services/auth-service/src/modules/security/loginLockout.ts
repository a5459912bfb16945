import { cappedBackoff } from '@platform/shared/retry';
import type { Redis } from '@platform/shared/redis';
import { createLimiter } from '@platform/shared/rateLimits';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthConfig } from '../../infrastructure/config';

/**
 * Per-account lockout: after LOGIN_LOCKOUT_THRESHOLD failures within LOGIN_LOCKOUT_WINDOW_SECONDS
 * (15 min) the account is locked for LOGIN_LOCKOUT_BASE_SECONDS, doubling with each lockout within
 * LOGIN_LOCKOUT_HISTORY_SECONDS (24 h), up to LOGIN_LOCKOUT_MAX_SECONDS (1 h).
 * Keyed by the normalised email, known or not, so that locking reveals nothing about existence.
 * Temporary by design: a permanent lock would let anyone lock out any user.
 */
export function createLoginLockout(
  redis: Redis,
  config: Pick<
    AuthConfig,
    | 'LOGIN_LOCKOUT_THRESHOLD'
    | 'LOGIN_LOCKOUT_WINDOW_SECONDS'
    | 'LOGIN_LOCKOUT_BASE_SECONDS'
    | 'LOGIN_LOCKOUT_MAX_SECONDS'
    | 'LOGIN_LOCKOUT_HISTORY_SECONDS'
  >,
) {
  const threshold = config.LOGIN_LOCKOUT_THRESHOLD;
  const failures = createLimiter(redis, 'login-failures', {
    points: threshold,
    durationSeconds: config.LOGIN_LOCKOUT_WINDOW_SECONDS,
  });
  const lockouts = createLimiter(redis, 'login-lockouts', {
    points: 1_000,
    durationSeconds: config.LOGIN_LOCKOUT_HISTORY_SECONDS,
  });

  return {
    /**
     * Seconds until the account may try again (0 when it is not locked), and its recent failures:
     * a login that succeeds needs to forget them only when there are some (one Redis call fewer).
     */
    async status(account: string): Promise<{ lockedForSeconds: number; failures: number }> {
      const state = await failures.get(account);
      return {
        lockedForSeconds: state && state.consumedPoints > threshold ? Math.ceil(state.msBeforeNext / 1000) : 0,
        failures: state?.consumedPoints ?? 0,
      };
    },

    /** Seconds until the account may try again, or 0 when it is not locked. */
    async lockedForSeconds(account: string): Promise<number> {
      return (await this.status(account)).lockedForSeconds;
    },

    /** Counts a failure; returns the lockout in seconds when this failure locks the account, else 0. */
    async recordFailure(account: string): Promise<number> {
      const state = await failures.consume(account).catch((error: unknown) => {
        if (error instanceof RateLimiterRes) return error;
        throw error;
      });
      if (state.consumedPoints < threshold) return 0;
      const { consumedPoints: lockoutsToday } = await lockouts.consume(account);
      const seconds = cappedBackoff(lockoutsToday, config.LOGIN_LOCKOUT_BASE_SECONDS, config.LOGIN_LOCKOUT_MAX_SECONDS);
      await failures.block(account, seconds);
      return seconds;
    },

    /** A successful login forgets the failures (not the lockout history, which keeps growing locks). */
    async recordSuccess(account: string) {
      await failures.delete(account);
    },
  };
}

export type LoginLockout = ReturnType<typeof createLoginLockout>;
