/** @platform/shared/http: the base Fastify app (OpenAPI, metrics, error handler), health routes, typed errors, serving until stopped, the Lambda container's app. */
export * from './errors';
export * from './errorHandler';
export * from './health';
export * from './metrics';
export * from './createBaseApp';
export * from './serveUntilStopped';
export * from './lazyApp';
