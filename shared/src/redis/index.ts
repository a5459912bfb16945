/** @platform/shared/redis: the ioredis client and its readiness. */
export * from './createRedis';
