/**
 * @platform/shared/tracing: OpenTelemetry tracing, off unless the standard OTEL_* variables ask for
 * it; spans for HTTP requests, outbox rows and their publishes, and queue messages, linked across SNS
 * and SQS by W3C trace context in message attributes.
 */
export * from './tracingConfig';
export * from './startTracing';
export * from './spans';
export * from './httpTracing';
export * from './queueTracing';
export * from './outboxTracing';
