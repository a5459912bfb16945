import { consumeOrRefuse, createLimiters, type RateLimit } from '@platform/shared/rateLimits';
import type { Redis } from '@platform/shared/redis';
import type { FastifyInstance } from 'fastify';
import type { AuthConfig } from '../../infrastructure/config';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Per-IP budget of this route (from the configuration); routes without one share AUTH_RATE_LIMIT_DEFAULT. */
    rateLimit?: RateLimit;
  }
}

const unlimited = new Set(['/health/live', '/health/ready', '/metrics']);

/** Per-IP and per-route rate limits on every route; a limited request gets 429 with Retry-After. */
export function registerRateLimits(
  app: FastifyInstance,
  { redis, config }: { redis: Redis; config: Pick<AuthConfig, 'AUTH_RATE_LIMIT_DEFAULT'> },
) {
  const limiterFor = createLimiters(redis);
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (!route || unlimited.has(route) || route.startsWith('/docs')) return;
    const own = request.routeOptions.config.rateLimit;
    const limiter = own
      ? limiterFor(`${request.method}:${route}`, own)
      : limiterFor('default', config.AUTH_RATE_LIMIT_DEFAULT);
    await consumeOrRefuse(limiter, request.ip);
  });
}
