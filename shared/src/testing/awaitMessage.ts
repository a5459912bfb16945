import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

export interface AwaitMessageOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Which message to wait for; others are left on the queue (made visible again at once). */
  matches?: (message: Message) => boolean;
  timeoutMs?: number;
  /** Delete the message once received (default true). */
  consume?: boolean;
}

/**
 * Waits for a message with long polling (no sleeps) and fails after the timeout.
 * @example const message = await awaitMessage({ sqs, queueUrl, matches: (m) => m.Body?.includes(id) })
 */
export async function awaitMessage({
  sqs,
  queueUrl,
  matches = () => true,
  timeoutMs = 10_000,
  consume = true,
}: AwaitMessageOptions) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const waitTimeSeconds = Math.max(0, Math.min(1, Math.floor((deadline - Date.now()) / 1000)));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitTimeSeconds,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const found = Messages.find(matches);
    if (found) {
      if (consume) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: found.ReceiptHandle }));
      return found;
    }
  }
  throw new Error(`no matching message arrived on ${queueUrl} within ${timeoutMs} ms`);
}
