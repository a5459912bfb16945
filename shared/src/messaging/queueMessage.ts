import { context } from '@opentelemetry/api';
import { messageContext, traceQueueBatch, type TracedResult } from '../tracing/queueTracing';
import { acceptedEventOf } from './acceptQueuedEvent';

/** A queue message as every runner (sqs-consumer worker, Lambda) hands it to a handler core. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** How many times SQS has delivered this message, this delivery included. */
  receiveCount: number;
  /** String message attributes, e.g. `type`, `correlationId` and (when tracing) `traceparent`. */
  attributes: Record<string, string>;
  /** When SQS accepted the message from its sender (SentTimestamp, ms since the epoch), if the runner knows it. */
  sentAt?: number;
}

/**
 * What a handler core decides for a message:
 * - `acknowledge` deletes it (its effect committed, or it is a duplicate or stale event);
 * - `retry` leaves it on the queue: it comes back after a growing delay and, after maxReceiveCount,
 *   reaches the DLQ through the queue's redrive policy (a transient failure);
 * - `reject` moves it to the DLQ at once with the reason (it can never succeed: not JSON, an
 *   unknown type, schema-invalid, misrouted), instead of retrying it for minutes.
 * A handler throws only for bugs; the runners treat a throw like `retry`.
 */
export type HandlerResult =
  | { action: 'acknowledge'; outcome: string }
  | { action: 'retry'; reason: string }
  | { action: 'reject'; reason: string };

export type QueueMessageHandler = (message: QueueMessage) => Promise<HandlerResult>;

/** A handler core that takes a whole receive (up to 10 messages) and answers one result per message, in order. */
export type QueueBatchHandler = (messages: QueueMessage[]) => Promise<HandlerResult[]>;

/** `sentAt` from SQS's SentTimestamp attribute (nothing when SQS did not send it). */
export function sentAt(sentTimestamp: string | undefined): { sentAt?: number } {
  const value = Number(sentTimestamp);
  return sentTimestamp && Number.isFinite(value) ? { sentAt: value } : {};
}

export const acknowledge = (outcome: string): HandlerResult => ({ action: 'acknowledge', outcome });
export const retryLater = (reason: string): HandlerResult => ({ action: 'retry', reason });
export const reject = (reason: string): HandlerResult => ({ action: 'reject', reason });

/** A batch handler from a per-message one: the messages of a batch are handled one after another, in order. */
export function perMessage(handler: QueueMessageHandler): QueueBatchHandler {
  return async (messages) => {
    const results: HandlerResult[] = [];
    for (const message of messages) {
      // Each message's work in its own trace (when tracing: see traceQueueBatch).
      const traced = messageContext(message);
      const handled = traced ? context.with(traced, handler, undefined, message) : handler(message);
      results.push(await handled.catch(retryAfterError));
    }
    return results;
  };
}

/** One message through a batch handler (tests, tools). */
export async function handleOne(handler: QueueBatchHandler, message: QueueMessage): Promise<HandlerResult> {
  const [result] = await handler([message]);
  return result!;
}

function retryAfterError(error: unknown): HandlerResult {
  return retryLater(`handler failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** Observes each handled message, e.g. to count outcomes and time handlers in Prometheus. */
export type HandlerObserver = (event: {
  queue: string;
  message: QueueMessage;
  result: HandlerResult | { action: 'error'; error: unknown };
  durationSeconds: number;
  /** When the runner handed the message's batch to the handler (ms since the epoch): the same for a whole batch. */
  receivedAt: number;
}) => void;

export type ObservedResult = HandlerResult | { action: 'error'; error: unknown };

/**
 * Runs a batch handler and reports each message's result to the observer with the batch's duration;
 * a throw (a bug, or the database down) becomes `error` for every message of the batch.
 */
export async function runObservedBatch(
  queue: string,
  handler: QueueBatchHandler,
  messages: QueueMessage[],
  observe: HandlerObserver | undefined,
): Promise<ObservedResult[]> {
  const receivedAt = Date.now();
  const started = process.hrtime.bigint();
  const run = async (): Promise<ObservedResult[]> => {
    try {
      const answered = await handler(messages);
      if (answered.length !== messages.length)
        throw new Error(`handler answered ${answered.length} of ${messages.length}`);
      return answered;
    } catch (error) {
      return messages.map(() => ({ action: 'error' as const, error }));
    }
  };
  const results = await traceQueueBatch(queue, messages, run, describeForTrace);
  const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  messages.forEach((message, index) =>
    observe?.({ queue, message, result: results[index]!, durationSeconds, receivedAt }),
  );
  return results;
}

/** A message's result as its trace span shows it: the outcome, failed for a rejection or an error, and the event. */
function describeForTrace(message: QueueMessage, result: ObservedResult): TracedResult {
  const event = acceptedEventOf(message);
  return {
    outcome: result.action === 'acknowledge' ? result.outcome : result.action,
    failed: result.action === 'reject' || result.action === 'error',
    attributes: event ? { 'event.id': event.id, 'event.type': event.type } : {},
  };
}
