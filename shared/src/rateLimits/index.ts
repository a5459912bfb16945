/** @platform/shared/rateLimits: per-client budgets in Redis (memory while Redis is down), set by configuration. */
export * from './limiter';
export * from './rateLimitSetting';
