import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import type { Logger } from 'pino';
import { cappedBackoff } from '../retry/cappedBackoff';
import { runObserved, type HandlerObserver, type QueueMessage, type QueueMessageHandler } from './queueMessage';

export interface QueueWorkerOptions {
  sqs: SQSClient;
  queueName: string;
  queueUrl: string;
  handler: QueueMessageHandler;
  logger: Logger;
  observe?: HandlerObserver;
  /** Messages handled at once (one receive). */
  batchSize?: number;
  /** Visibility given to a received message; extended by a heartbeat while the handler works. */
  visibilityTimeoutSeconds?: number;
  /** Backoff before a retried message is visible again: base·2^(receives-1), capped at max. */
  retryBackoff?: { baseSeconds: number; maxSeconds: number };
  /** How long stop() waits for the in-flight poll and handlers. */
  shutdownTimeoutMs?: number;
  waitTimeSeconds?: number;
}

class RetryLater extends Error {}

export function toQueueMessage(message: Message): QueueMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? '1'),
    attributes,
  };
}

/**
 * A long-running SQS worker around sqs-consumer. A message is deleted only after its handler
 * returned `acknowledge`, i.e. after its effect committed. stop() stops polling and waits for
 * in-flight handlers, so SIGTERM loses nothing: what did not finish comes back after its visibility.
 */
export function startQueueWorker(options: QueueWorkerOptions) {
  const { queueName, handler, logger, observe } = options;
  const visibilityTimeout = options.visibilityTimeoutSeconds ?? 60;
  const backoff = options.retryBackoff ?? { baseSeconds: 5, maxSeconds: 300 };
  const log = logger.child({ queue: queueName });

  const consumer = Consumer.create({
    sqs: options.sqs,
    queueUrl: options.queueUrl,
    batchSize: options.batchSize ?? 5,
    waitTimeSeconds: options.waitTimeSeconds ?? 20,
    visibilityTimeout,
    heartbeatInterval: Math.max(1, Math.floor(visibilityTimeout / 3)),
    messageSystemAttributeNames: ['ApproximateReceiveCount'],
    messageAttributeNames: ['All'],
    pollingCompleteWaitTimeMs: options.shutdownTimeoutMs ?? 30_000,
    // A retried or failed message becomes visible again after a growing delay, not after the full timeout.
    terminateVisibilityTimeout: (messages) =>
      cappedBackoff(toQueueMessage(messages[0]!).receiveCount, backoff.baseSeconds, backoff.maxSeconds),
    handleMessage: async (message) => {
      const queueMessage = toQueueMessage(message);
      const result = await runObserved(queueName, handler, queueMessage, observe);
      const context = {
        messageId: queueMessage.messageId,
        receiveCount: queueMessage.receiveCount,
        type: queueMessage.attributes.type,
      };
      if (result.action === 'acknowledge') {
        log.debug({ ...context, outcome: result.outcome }, 'message handled');
        return message;
      }
      if (result.action === 'retry') {
        log.warn({ ...context, reason: result.reason }, 'message will be retried');
        throw new RetryLater(result.reason);
      }
      log.error({ ...context, err: result.error }, 'message handler failed');
      throw result.error instanceof Error ? result.error : new Error(String(result.error));
    },
  });
  consumer.on('error', (error) => log.error({ err: error }, 'SQS error'));
  // Handler failures are already logged above with their context.
  consumer.on('processing_error', () => undefined);
  consumer.start();
  log.info('queue worker started');

  return {
    consumer,
    /** Stops polling and resolves when in-flight messages are finished (or the timeout passed). */
    stop(): Promise<void> {
      if (!consumer.status.isRunning) return Promise.resolve();
      return new Promise((resolve) => {
        consumer.once('stopped', () => {
          log.info('queue worker stopped');
          resolve();
        });
        consumer.stop();
      });
    },
  };
}

export type QueueWorker = ReturnType<typeof startQueueWorker>;
