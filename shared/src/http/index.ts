/** @platform/shared/http: the base Fastify app (OpenAPI, metrics, error handler), health routes, typed errors. */
export * from './errors';
export * from './errorHandler';
export * from './health';
export * from './metrics';
export * from './createBaseApp';
export * from './responseSchemas';
export * from './textSafety';
export * from './routeDocs';
export * from './apiDocs';
export * from './apiReference';
export * from './metricsEndpoint';
export * from './securityHeaders';
