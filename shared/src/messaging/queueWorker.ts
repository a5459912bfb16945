import { ChangeMessageVisibilityBatchCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import type { Logger } from 'pino';
import { cappedBackoff } from '../retry/cappedBackoff';
import { sendToDeadLetterQueue } from './deadLetters';
import {
  runObservedBatch,
  sentAt,
  type HandlerObserver,
  type QueueBatchHandler,
  type QueueMessage,
} from './queueMessage';

export interface QueueWorkerOptions {
  sqs: SQSClient;
  queueName: string;
  queueUrl: string;
  /** Where a message that can never succeed (`reject`) goes at once. */
  deadLetterQueueUrl: string;
  handler: QueueBatchHandler;
  logger: Logger;
  observe?: HandlerObserver;
  /**
   * Concurrent receive loops on the queue at most: each receives a batch, hands it over, and deletes
   * it. Loops are added while receives come back full and retired while they come back empty.
   */
  pollers?: number;
  /** Receive loops kept while the queue is empty or SQS fails (default: `pollers`, a fixed number). */
  idlePollers?: number;
  /** Messages per receive (SQS allows at most 10). */
  batchSize?: number;
  /** Visibility given to a received message; extended by a heartbeat while the handler works. */
  visibilityTimeoutSeconds?: number;
  /** Backoff before a retried message is visible again: base·2^(receives-1), capped at max. */
  retryBackoff?: { baseSeconds: number; maxSeconds: number };
  /** How long stop() waits for the in-flight poll and handlers. */
  shutdownTimeoutMs?: number;
  waitTimeSeconds?: number;
  /** Pause between receives after SQS errors: doubles from 1 s up to this. */
  maxErrorBackoffMs?: number;
}

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
    ...sentAt(message.Attributes?.SentTimestamp),
  };
}

/**
 * A long-running SQS worker: sqs-consumer loops on one queue, each receiving batches of up to 10 and
 * handing the whole batch to the handler core. `idlePollers` loops run while the queue is quiet; each
 * full receive adds one, up to `pollers`, and each empty receive (or SQS error) retires one, so a
 * backlog is drained by many loops (bigger groups per transaction, less CPU per message) while an
 * idle queue costs only a few long polls. Then, per message: acknowledged ones are
 * deleted with one DeleteMessageBatch; retried ones get their backoff with one
 * ChangeMessageVisibilityBatch; rejected ones are moved to the DLQ at once, then deleted. A message
 * is deleted only after its effect committed. stop() stops polling and waits for in-flight batches,
 * so SIGTERM loses nothing: what did not finish comes back after its visibility.
 * While SQS is unreachable the loops back off (1 s doubling to maxErrorBackoffMs) and the outage is
 * logged once, and once more when it ends.
 */
export function startQueueWorker(options: QueueWorkerOptions) {
  const { sqs, queueName, handler, logger, observe } = options;
  const visibilityTimeout = options.visibilityTimeoutSeconds ?? 60;
  const backoff = options.retryBackoff ?? { baseSeconds: 5, maxSeconds: 300 };
  const maxErrorBackoffMs = options.maxErrorBackoffMs ?? 30_000;
  const log = logger.child({ queue: queueName });

  let consecutiveErrors = 0;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const handleBatch = async (messages: Message[]): Promise<Message[]> => {
    const queueMessages = messages.map(toQueueMessage);
    const results = await runObservedBatch(queueName, handler, queueMessages, observe);
    const acknowledged: Message[] = [];
    const retried: Array<{ message: Message; delay: number }> = [];
    const rejected: Array<{ message: QueueMessage; reason: string; raw: Message }> = [];
    results.forEach((result, index) => {
      const message = messages[index]!;
      const queueMessage = queueMessages[index]!;
      const context = {
        messageId: queueMessage.messageId,
        receiveCount: queueMessage.receiveCount,
        type: queueMessage.attributes.type,
      };
      if (result.action === 'acknowledge') {
        acknowledged.push(message);
      } else if (result.action === 'reject') {
        log.error({ ...context, reason: result.reason }, 'message can never succeed: moving it to the DLQ');
        rejected.push({ message: queueMessage, reason: result.reason, raw: message });
      } else {
        if (result.action === 'retry') log.warn({ ...context, reason: result.reason }, 'message will be retried');
        else log.error({ ...context, err: result.error }, 'message handler failed; it will be retried');
        retried.push({
          message,
          delay: cappedBackoff(queueMessage.receiveCount, backoff.baseSeconds, backoff.maxSeconds),
        });
      }
    });

    if (rejected.length > 0) {
      try {
        const sent = await sendToDeadLetterQueue(sqs, options.deadLetterQueueUrl, queueName, rejected);
        for (const entry of rejected) {
          if (sent.has(entry.message.messageId)) acknowledged.push(entry.raw);
          else retried.push({ message: entry.raw, delay: backoff.baseSeconds });
        }
      } catch (error) {
        // Left on the queue: it comes back, and the redrive policy takes it to the DLQ in the end.
        log.warn({ err: error }, 'moving rejected messages to the DLQ failed; they stay on the queue');
        for (const entry of rejected) retried.push({ message: entry.raw, delay: backoff.baseSeconds });
      }
    }
    if (retried.length > 0) {
      await sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: retried.map(({ message, delay }, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: delay,
            })),
          }),
        )
        .catch((error: unknown) =>
          log.warn({ err: error }, 'setting the retry delay failed; the visibility timeout applies'),
        );
    }
    return acknowledged;
  };

  const batchSize = options.batchSize ?? 10;
  const maxPollers = Math.max(1, options.pollers ?? 1);
  const idlePollers = Math.min(maxPollers, Math.max(1, options.idlePollers ?? maxPollers));
  const active = new Set<Consumer>();
  const retiring = new Set<Promise<void>>();
  let stopped = false;

  const createConsumer = () =>
    Consumer.create({
      sqs,
      queueUrl: options.queueUrl,
      batchSize,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
      visibilityTimeout,
      heartbeatInterval: Math.max(1, Math.floor(visibilityTimeout / 3)),
      messageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      messageAttributeNames: ['All'],
      pollingCompleteWaitTimeMs: options.shutdownTimeoutMs ?? 30_000,
      strictReturn: true,
      // A batch whose handler threw (a bug): every message comes back after the backoff of its first.
      terminateVisibilityTimeout: (messages) =>
        cappedBackoff(toQueueMessage(messages[0]!).receiveCount, backoff.baseSeconds, backoff.maxSeconds),
      handleMessageBatch: (messages) => {
        // A full receive: the queue has a backlog, so one more loop receives while this batch is applied.
        if (messages.length >= batchSize) addPoller();
        return handleBatch(messages);
      },
      preReceiveMessageCallback: async () => {
        if (consecutiveErrors > 0) await pause(Math.min(maxErrorBackoffMs, 1000 * 2 ** (consecutiveErrors - 1)));
      },
      postReceiveMessageCallback: async () => {
        if (consecutiveErrors > 0) log.info({ afterErrors: consecutiveErrors }, 'SQS reachable again');
        consecutiveErrors = 0;
      },
    });

  /** Stops a loop: it finishes its in-flight batch (the 'stopped' event waits for it) and polls no more. */
  const retire = (consumer: Consumer) => {
    active.delete(consumer);
    const done = new Promise<void>((resolve) => consumer.once('stopped', () => resolve()));
    retiring.add(done);
    void done.then(() => retiring.delete(done));
    consumer.stop();
  };
  // An empty receive (a long poll that timed out) or an SQS error: fewer loops are enough.
  const retireIfSpare = (consumer: Consumer) => {
    if (!stopped && active.has(consumer) && active.size > idlePollers) retire(consumer);
  };
  const addPoller = () => {
    if (stopped || active.size >= maxPollers) return;
    const consumer = createConsumer();
    consumer.on('error', (error) => {
      consecutiveErrors++;
      if (consecutiveErrors === 1) log.error({ err: error }, 'SQS error; backing off until it answers again');
      else log.debug({ err: error }, 'SQS error');
      retireIfSpare(consumer);
    });
    consumer.on('empty', () => retireIfSpare(consumer));
    // Handler failures are already logged above with their context.
    consumer.on('processing_error', () => undefined);
    active.add(consumer);
    consumer.start();
  };
  for (let started = 0; started < idlePollers; started++) addPoller();
  log.info({ pollers: { idle: idlePollers, max: maxPollers } }, 'queue worker started');

  return {
    /** Receive loops running now (between idlePollers and pollers). */
    pollers: () => active.size,
    /** Stops polling and resolves when in-flight batches are finished (or the timeout passed). */
    async stop(): Promise<void> {
      stopped = true;
      for (const consumer of [...active]) retire(consumer);
      await Promise.all([...retiring]);
      log.info('queue worker stopped');
    },
  };
}

export type QueueWorker = ReturnType<typeof startQueueWorker>;
