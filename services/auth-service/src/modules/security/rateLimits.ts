import { tooManyRequests } from '@platform/shared/http';
import type { Redis } from '@platform/shared/redis';
import type { FastifyInstance } from 'fastify';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** A budget of requests per client IP for one route: `points` requests per `durationSeconds`. */
export interface RouteLimit {
  points: number;
  durationSeconds: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Per-IP budget of this route; routes without one share the default budget. */
    rateLimit?: RouteLimit;
  }
}

const defaultLimit: RouteLimit = { points: 300, durationSeconds: 60 };
const unlimited = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * A limiter in Redis (keys `rl:{name}:{identifier}`, shared by every instance) that falls back to
 * memory per instance while Redis is down: limits stay on, only less precise.
 */
export function createLimiter(redis: Redis, name: string, limit: RouteLimit) {
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

/** Per-IP and per-route rate limits on every route; a limited request gets 429 with Retry-After. */
export function registerRateLimits(app: FastifyInstance, { redis }: { redis: Redis }) {
  const limiters = new Map<string, RateLimiterRedis>();
  const limiterFor = (route: string, limit: RouteLimit) => {
    let limiter = limiters.get(route);
    if (!limiter) limiters.set(route, (limiter = createLimiter(redis, route, limit)));
    return limiter;
  };

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (!route || unlimited.has(route) || route.startsWith('/docs')) return;
    const own = request.routeOptions.config.rateLimit;
    const limiter = own ? limiterFor(`${request.method}:${route}`, own) : limiterFor('default', defaultLimit);
    try {
      await limiter.consume(request.ip);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooManyRequests(error.msBeforeNext / 1000, 'RATE_LIMITED');
      throw error;
    }
  });
}
