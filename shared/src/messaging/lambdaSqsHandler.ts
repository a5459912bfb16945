import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { runObserved, type HandlerObserver, type QueueMessage, type QueueMessageHandler } from './queueMessage';

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
  };
}

/**
 * The Lambda runner of a handler core: records are handled one after another and only those that
 * asked for a retry or failed are reported (`ReportBatchItemFailures`), so SQS redelivers just them.
 */
export function createSqsLambdaHandler(options: {
  queueName: string;
  handler: QueueMessageHandler;
  logger: Logger;
  observe?: HandlerObserver;
}) {
  const { queueName, handler, logger, observe } = options;
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const message = sqsRecordToQueueMessage(record);
      const result = await runObserved(queueName, handler, message, observe);
      if (result.action === 'acknowledge') continue;
      const context = { queue: queueName, messageId: message.messageId, receiveCount: message.receiveCount };
      if (result.action === 'retry') logger.warn({ ...context, reason: result.reason }, 'message will be retried');
      else logger.error({ ...context, err: result.error }, 'message handler failed');
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  };
}
