import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueMessage } from './queueMessage';

/** The message attribute that says why a message was moved to its DLQ without retries. */
export const REJECT_REASON_ATTRIBUTE = 'rejectReason';

/**
 * Moves messages that can never succeed to the DLQ at once: the same body and attributes, plus the
 * reason (`rejectReason`) and the queue it came from, so `npm run dlq` shows why and a redrive
 * replays the original. Returns the ids that reached the DLQ; the caller deletes only those from
 * the source queue (the others stay and take the normal redrive path).
 */
export async function sendToDeadLetterQueue(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  sourceQueue: string,
  rejected: ReadonlyArray<{ message: QueueMessage; reason: string }>,
): Promise<Set<string>> {
  const sent = new Set<string>();
  for (let start = 0; start < rejected.length; start += 10) {
    const chunk = rejected.slice(start, start + 10);
    const output = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: deadLetterQueueUrl,
        Entries: chunk.map(({ message, reason }, index) => ({
          Id: String(index),
          // SQS refuses an empty body; keep a marker so the entry is still visible in the DLQ.
          MessageBody: message.body === '' ? '(empty body)' : message.body,
          MessageAttributes: {
            ...Object.fromEntries(
              Object.entries(message.attributes)
                .filter(([name]) => name !== REJECT_REASON_ATTRIBUTE && name !== 'sourceQueue')
                .slice(0, 7)
                .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
            ),
            [REJECT_REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason.slice(0, 1000) },
            sourceQueue: { DataType: 'String', StringValue: sourceQueue },
          },
        })),
      }),
    );
    for (const success of output.Successful ?? []) sent.add(chunk[Number(success.Id)]!.message.messageId);
  }
  return sent;
}
