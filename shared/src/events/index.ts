/** @platform/shared/events: the event catalogue, the envelope and its SNS publish input. */
export * from './catalogue';
export * from './envelope';
export * from './snsMessage';
export * from './asyncapi';
