import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { tooManyRequests } from '../http/errors';
import type { Redis } from '../redis/createRedis';

/** A budget of `points` requests per `durationSeconds` for one client. */
export interface RateLimit {
  points: number;
  durationSeconds: number;
}

/**
 * A limiter in Redis (keys `rl:{name}:{identifier}`, shared by every instance) that falls back to
 * memory per instance while Redis is down: limits stay on, only less precise.
 */
export function createLimiter(redis: Redis, name: string, limit: RateLimit) {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `rl:${name}`,
    points: limit.points,
    duration: limit.durationSeconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({
      keyPrefix: `rl:${name}`,
      points: limit.points,
      duration: limit.durationSeconds,
    }),
  });
}

export type Limiter = ReturnType<typeof createLimiter>;

/** Takes one point of `client`'s budget; over budget it throws 429 RATE_LIMITED with Retry-After. */
export async function consumeOrRefuse(limiter: Limiter, client: string): Promise<void> {
  try {
    await limiter.consume(client);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooManyRequests(error.msBeforeNext / 1000, 'RATE_LIMITED');
    throw error;
  }
}

/** Limiters made on first use, one per name (a route, a kind of client), each with its own budget. */
export function createLimiters(redis: Redis) {
  const limiters = new Map<string, Limiter>();
  return (name: string, limit: RateLimit): Limiter => {
    let limiter = limiters.get(name);
    if (!limiter) limiters.set(name, (limiter = createLimiter(redis, name, limit)));
    return limiter;
  };
}
