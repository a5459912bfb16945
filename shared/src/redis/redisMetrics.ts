import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Redis client health: redis_connected (1 when the client can take commands), redis_errors_total
 * (connection errors the client reported) and redis_reconnects_total.
 * @example registerRedisMetrics(scope.metrics, redis);
 */
export function registerRedisMetrics(registry: Registry, redis: Redis) {
  new Gauge({
    name: 'redis_connected',
    help: 'Whether the Redis client is connected and ready for commands (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(redis.status === 'ready' ? 1 : 0);
    },
  });
  const errors = new Counter({
    name: 'redis_errors_total',
    help: 'Connection errors reported by the Redis client',
    registers: [registry],
  });
  const reconnects = new Counter({
    name: 'redis_reconnects_total',
    help: 'Times the Redis client started reconnecting after losing its connection',
    registers: [registry],
  });
  redis.on('error', () => errors.inc());
  redis.on('reconnecting', () => reconnects.inc());
}
