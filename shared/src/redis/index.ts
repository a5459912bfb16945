/** @platform/shared/redis: the ioredis client, its readiness and its metrics. */
export * from './createRedis';
export * from './redisMetrics';
