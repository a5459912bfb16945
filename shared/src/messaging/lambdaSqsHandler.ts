import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { flushTracing } from '../tracing/startTracing';
import { sendToDeadLetterQueue } from './deadLetters';
import {
  runObservedBatch,
  sentAt,
  type HandlerObserver,
  type QueueBatchHandler,
  type QueueMessage,
} from './queueMessage';

export function sqsRecordToQueueMessage(record: SQSRecord): QueueMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
  }
  return {
    messageId: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
    attributes,
    ...sentAt(record.attributes.SentTimestamp),
  };
}

/**
 * The Lambda runner of a handler core: the event's records go to the handler as one batch, and only
 * those that asked for a retry (or whose batch failed) are reported (`ReportBatchItemFailures`), so
 * SQS redelivers just them. A rejected record (it can never succeed) is moved to the DLQ at once and
 * reported as done; if the DLQ cannot be reached it is reported as failed and takes the redrive path.
 */
export function createSqsLambdaHandler(options: {
  queueName: string;
  handler: QueueBatchHandler;
  logger: Logger;
  observe?: HandlerObserver;
  /** For rejected records: the SQS client and the queue's DLQ URL (resolved once, on first use). */
  deadLetters: { sqs: SQSClient; queueUrl: () => Promise<string> };
}) {
  const { queueName, handler, logger, observe, deadLetters } = options;
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const messages = event.Records.map(sqsRecordToQueueMessage);
    const results = await runObservedBatch(queueName, handler, messages, observe);
    const failed: string[] = [];
    const rejected: Array<{ message: QueueMessage; reason: string }> = [];
    results.forEach((result, index) => {
      const message = messages[index]!;
      const context = { queue: queueName, messageId: message.messageId, receiveCount: message.receiveCount };
      if (result.action === 'acknowledge') return;
      if (result.action === 'reject') {
        logger.error({ ...context, reason: result.reason }, 'message can never succeed: moving it to the DLQ');
        rejected.push({ message, reason: result.reason });
        return;
      }
      if (result.action === 'retry') logger.warn({ ...context, reason: result.reason }, 'message will be retried');
      else logger.error({ ...context, err: result.error }, 'message handler failed');
      failed.push(message.messageId);
    });
    if (rejected.length > 0) {
      let sent = new Set<string>();
      try {
        sent = await sendToDeadLetterQueue(deadLetters.sqs, await deadLetters.queueUrl(), queueName, rejected);
      } catch (error) {
        logger.warn({ err: error }, 'moving rejected messages to the DLQ failed; they stay on the queue');
      }
      for (const { message } of rejected) if (!sent.has(message.messageId)) failed.push(message.messageId);
    }
    // The container may freeze once this returns: send the batch's spans now (nothing when not tracing).
    await flushTracing();
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
