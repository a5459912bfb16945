/** Abuse controls: per-route rate limits and the login lockout. */
export { registerRateLimits } from './rateLimits';
export * from './loginLockout';
