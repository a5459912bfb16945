import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { REJECT_REASON_ATTRIBUTE } from '@platform/shared/messaging';

/** Messages in a queue: visible plus in flight (being looked at by someone else). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

export interface DeadLetterSummary {
  messageId: string;
  type: string;
  eventId: string;
  userId: string;
  correlationId: string;
  receiveCount: string;
  sentAt: string;
  /** Why a consumer moved it here at once (it can never succeed), or '-' when it used up its retries. */
  reason: string;
}

/**
 * What an operator needs to recognise a dead letter, and nothing more: envelope fields only,
 * because mail events carry one-time tokens in their payload.
 */
const DLQ_ONLY_ATTRIBUTES = new Set([REJECT_REASON_ATTRIBUTE, 'sourceQueue']);

export function summarise(message: Message): DeadLetterSummary {
  let envelope: Record<string, unknown> = {};
  try {
    envelope = JSON.parse(message.Body ?? '') as Record<string, unknown>;
  } catch {
    envelope = {};
  }
  const field = (name: string) => (typeof envelope[name] === 'string' ? (envelope[name] as string) : '?');
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId ?? '?',
    type: message.MessageAttributes?.type?.StringValue ?? field('type'),
    eventId: field('id'),
    userId: field('userId'),
    correlationId: field('correlationId'),
    receiveCount: message.Attributes?.ApproximateReceiveCount ?? '?',
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : '?',
    reason: message.MessageAttributes?.[REJECT_REASON_ATTRIBUTE]?.StringValue ?? '-',
  };
}

/** Up to `count` messages of a DLQ, left in place (visible again at once). */
export async function sampleDeadLetters(sqs: SQSClient, dlqUrl: string, count: number): Promise<DeadLetterSummary[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: dlqUrl,
      MaxNumberOfMessages: Math.min(10, Math.max(1, count)),
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    }),
  );
  return Messages.slice(0, count).map(summarise);
}

/** The attributes the message had on its source queue: without the ones its move to the DLQ added. */
function stringAttributes(message: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {})
      .filter(([name, value]) => value.StringValue !== undefined && !DLQ_ONLY_ATTRIBUTES.has(name))
      .map(([name, value]) => [name, { DataType: value.DataType ?? 'String', StringValue: value.StringValue }]),
  );
}

/**
 * Moves messages from a DLQ back to its source queue (emulators lack StartMessageMoveTask).
 * Each message is sent to the source first and deleted from the DLQ only after the send succeeded:
 * a crash in between leaves a copy in both, never in neither, and the consumers' inbox makes the
 * duplicate harmless. At most the DLQ's depth at the start is moved, so a message that fails again
 * and returns to the DLQ during the run is not moved in circles.
 */
export async function redriveDeadLetters(options: { sqs: SQSClient; dlqUrl: string; sourceUrl: string; max?: number }) {
  const { sqs, dlqUrl, sourceUrl } = options;
  const limit = Math.min(options.max ?? Infinity, await queueDepth(sqs, dlqUrl));
  let moved = 0;
  while (moved < limit) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, limit - moved),
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: sourceUrl,
          MessageBody: message.Body ?? '',
          MessageAttributes: stringAttributes(message),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle }));
      moved++;
    }
  }
  return { moved };
}
