import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * An ioredis client for cache and rate limits that fails fast while Redis is down instead of
 * queueing commands: callers catch the error and degrade (no cache, in-memory limits), and the
 * client keeps reconnecting in the background with a capped backoff. Commands issued together
 * (the continuations of one batch of replies, under load) go out in one write (auto-pipelining):
 * a socket write costs more than the command.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    enableAutoPipelining: true,
  });
  let down = false;
  redis.on('error', (error) => {
    if (!down) logger.warn({ err: error }, 'redis unavailable; degrading until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis is back');
    down = false;
  });
  return redis;
}

/** True when the client can take commands now. */
export function redisIsReady(redis: Redis): boolean {
  return redis.status === 'ready';
}

export type { Redis };
