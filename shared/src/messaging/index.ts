/** @platform/shared/messaging: the queue runtime (message shape, sqs-consumer worker, Lambda SQS runner, DLQ moves, acceptQueuedEvent). */
export * from './queueMessage';
export * from './queueWorker';
export * from './lambdaSqsHandler';
export * from './deadLetters';
export * from './acceptQueuedEvent';
