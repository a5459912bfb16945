import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { FunctionRuntime } from './lambdaInvoker';
import type { SqsEventSource } from './packagedFunctions';

/**
 * The test runner's choice: failed records come back after this many seconds instead of the queue's
 * 180 s visibility timeout (as on Lambda), so that a poison message reaches its DLQ after
 * maxReceiveCount receives within a test.
 */
export const RETRY_VISIBILITY_TIMEOUT_SECONDS = 2;

/** The record Lambda builds from a received SQS message (the `Records[]` of an SQS event). */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? 'String',
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
    };
  }
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * Which records of a batch Lambda deletes, given the function's outcome, by the rules of
 * ReportBatchItemFailures: a throw, or a response naming an id that is not in the batch (or none),
 * fails the whole batch; otherwise every record not listed succeeded. Returns the problems too: our
 * handlers must never throw or answer an invalid response, so each one is reported by the suite.
 */
export function settleBatch(
  recordIds: string[],
  invocation: { result?: unknown; error?: { errorType: string; errorMessage: string } },
  reportBatchItemFailures: boolean,
): { succeeded: string[]; problem?: string } {
  if (invocation.error)
    return { succeeded: [], problem: `threw ${invocation.error.errorType}: ${invocation.error.errorMessage}` };
  if (!reportBatchItemFailures) return { succeeded: recordIds };
  const response = invocation.result as { batchItemFailures?: unknown } | null;
  if (response === null || typeof response !== 'object' || response.batchItemFailures === undefined)
    return { succeeded: [], problem: `not a partial batch response: ${JSON.stringify(response)}` };
  if (!Array.isArray(response.batchItemFailures))
    return { succeeded: [], problem: `batchItemFailures is not a list: ${JSON.stringify(response)}` };
  const failed = new Set<string>();
  for (const item of response.batchItemFailures as Array<{ itemIdentifier?: unknown }>) {
    const id = item?.itemIdentifier;
    if (typeof id !== 'string' || !recordIds.includes(id))
      return { succeeded: [], problem: `itemIdentifier ${JSON.stringify(id)} is not a messageId of the batch` };
    failed.add(id);
  }
  return { succeeded: recordIds.filter((id) => !failed.has(id)) };
}

/**
 * What Lambda's SQS event source mapping does for one queue: receive up to batchSize messages,
 * invoke the function with an SQS event, delete the records that succeeded and leave the others to
 * come back after their visibility timeout (RETRY_VISIBILITY_TIMEOUT_SECONDS here).
 */
export function startSqsEventSource(options: {
  sqs: SQSClient;
  source: SqsEventSource;
  runtime: FunctionRuntime;
  region: string;
  onProblem: (problem: string) => void;
}) {
  const { sqs, source, runtime, region, onProblem } = options;
  const abort = new AbortController();
  const stats = { batches: 0, deleted: 0, failed: 0 };
  const loop = (async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: source.queueName }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = Attributes!.QueueArn!;
    while (!abort.signal.aborted) {
      let messages: Message[];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: source.batchSize,
            WaitTimeSeconds: 1,
            VisibilityTimeout: RETRY_VISIBILITY_TIMEOUT_SECONDS,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (abort.signal.aborted) return;
        onProblem(`${source.queueName}: receive failed: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (!messages.length) continue;
      const event: SQSEvent = { Records: messages.map((message) => toSqsRecord(message, queueArn, region)) };
      const invocation = await runtime.invoke(event);
      const recordIds = event.Records.map((record) => record.messageId);
      const { succeeded, problem } = settleBatch(recordIds, invocation, source.reportBatchItemFailures);
      if (problem) onProblem(`${source.functionKey} on ${source.queueName}: ${problem}`);
      stats.batches += 1;
      stats.failed += recordIds.length - succeeded.length;
      if (!succeeded.length) continue;
      const deleted = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: event.Records.filter((record) => succeeded.includes(record.messageId)).map((record, i) => ({
            Id: String(i),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
      stats.deleted += deleted.Successful?.length ?? 0;
      if (deleted.Failed?.length) onProblem(`${source.queueName}: delete failed: ${JSON.stringify(deleted.Failed)}`);
    }
  })().catch((error: unknown) =>
    onProblem(`${source.queueName}: event source stopped: ${error instanceof Error ? error.message : String(error)}`),
  );
  return {
    stats,
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
