import {
  ChangeMessageVisibilityBatchCommand,
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
  /** The event type: the message attribute `type`, else the body's; null when neither says. */
  type: string | null;
  eventId: string | null;
  userId: string | null;
  correlationId: string | null;
  receiveCount: number | null;
  sentAt: string | null;
  /** Why a consumer moved it here at once (it can never succeed); null when it used up its retries. */
  reason: string | null;
  /** The body, secrets (one-time tokens, passwords) redacted, cut at BODY_PREVIEW characters. */
  body: string;
}

/** Attributes the move to the DLQ added; a redrive leaves them behind. */
const DLQ_ONLY_ATTRIBUTES = new Set([REJECT_REASON_ATTRIBUTE, 'sourceQueue']);

const BODY_PREVIEW = 600;
const SECRET_KEY = /token|password|secret/i;

/** A JSON value with the values of secret-looking keys replaced: mail events carry one-time tokens. */
function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redacted(item)]),
    );
  return value;
}

/**
 * What an operator needs to recognise a dead letter: the envelope's type, user, event and
 * correlation ids, why it is here, and its body with secrets redacted. A body that is not an
 * envelope (a poison message) still shows what it is.
 */
export function summarise(message: Message): DeadLetterSummary {
  const raw = message.Body ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const envelope = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const field = (name: string) => (typeof envelope[name] === 'string' ? (envelope[name] as string) : null);
  const body = parsed === undefined ? raw : JSON.stringify(redacted(parsed));
  const sent = Number(message.Attributes?.SentTimestamp);
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId ?? '',
    type: message.MessageAttributes?.type?.StringValue ?? field('type'),
    eventId: field('id'),
    userId: field('userId'),
    correlationId: field('correlationId'),
    receiveCount: Number.isFinite(receives) ? receives : null,
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : null,
    reason: message.MessageAttributes?.[REJECT_REASON_ATTRIBUTE]?.StringValue ?? null,
    body: body.length > BODY_PREVIEW ? `${body.slice(0, BODY_PREVIEW)}… (${body.length} characters)` : body,
  };
}

/** A dead letter as lines for people: what it is, why it is here, its body. */
export function describeDeadLetter(letter: DeadLetterSummary, index: number): string[] {
  const facts = [
    letter.type ?? 'no event type',
    `user ${letter.userId ?? '(none)'}`,
    `event ${letter.eventId ?? '(none)'}`,
    ...(letter.correlationId ? [`correlation ${letter.correlationId}`] : []),
    ...(letter.receiveCount !== null ? [`received ${letter.receiveCount}×`] : []),
    ...(letter.sentAt ? [`sent ${letter.sentAt}`] : []),
  ];
  return [
    `${index + 1}. ${facts.join(' · ')}`,
    `   reason  ${letter.reason ?? 'used up its retries (a transient failure that kept failing)'}`,
    `   body    ${letter.body || '(empty)'}`,
  ];
}

/**
 * Up to `count` messages of a DLQ, left in place: received, then made visible again at once
 * (a receive's VisibilityTimeout of 0 is not honoured by every emulator, and a hidden message
 * would be missed by the next look or by a redrive).
 */
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
  if (Messages.length)
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
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
