/** @platform/shared/retry: capped exponential backoff. */
export * from './cappedBackoff';
