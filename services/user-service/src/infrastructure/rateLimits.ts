import { consumeOrRefuse, createLimiters } from '@platform/shared/rateLimits';
import type { Redis } from '@platform/shared/redis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserConfig } from './config';

type Authenticate = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * The Bearer check of every /users route with per-client budgets: a request with a valid access
 * token counts against its user (USER_RATE_LIMIT_PER_USER), wherever it comes from; any other
 * (missing, forged, expired or revoked token) against its client IP (USER_RATE_LIMIT_PER_IP), so
 * neither one account nor a stream of bad tokens can take the service's capacity. Over budget: 429
 * with Retry-After. In Redis, shared by every instance; in memory while Redis is down.
 */
export function withRateLimits<Authentication extends { authenticate: Authenticate }>(
  { authenticate, ...rest }: Authentication,
  { redis, config }: { redis: Redis; config: Pick<UserConfig, 'USER_RATE_LIMIT_PER_USER' | 'USER_RATE_LIMIT_PER_IP'> },
): Authentication {
  const limiterFor = createLimiters(redis);
  const authenticateWithinBudget: Authenticate = async (request, reply) => {
    try {
      await authenticate(request, reply);
    } catch (error) {
      await consumeOrRefuse(limiterFor('user-service:ip', config.USER_RATE_LIMIT_PER_IP), request.ip);
      throw error;
    }
    await consumeOrRefuse(limiterFor('user-service:user', config.USER_RATE_LIMIT_PER_USER), request.principal!.userId);
  };
  return { ...rest, authenticate: authenticateWithinBudget } as Authentication;
}
