/** A queue message as every runner (sqs-consumer worker, Lambda) hands it to a handler core. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** How many times SQS has delivered this message, this delivery included. */
  receiveCount: number;
  /** String message attributes, e.g. `type` and `correlationId`. */
  attributes: Record<string, string>;
}

/**
 * What a handler core decides: `acknowledge` deletes the message (its effect committed, or it is
 * a duplicate or stale event); `retry` leaves it on the queue so that it comes back later and,
 * after maxReceiveCount, reaches the DLQ through the queue's redrive policy.
 * A handler throws only for bugs; the runners treat a throw like `retry`.
 */
export type HandlerResult = { action: 'acknowledge'; outcome: string } | { action: 'retry'; reason: string };

export type QueueMessageHandler = (message: QueueMessage) => Promise<HandlerResult>;

export const acknowledge = (outcome: string): HandlerResult => ({ action: 'acknowledge', outcome });
export const retryLater = (reason: string): HandlerResult => ({ action: 'retry', reason });

/** Observes each handled message, e.g. to count outcomes and time handlers in Prometheus. */
export type HandlerObserver = (event: {
  queue: string;
  message: QueueMessage;
  result: HandlerResult | { action: 'error'; error: unknown };
  durationSeconds: number;
}) => void;

/** Runs a handler and reports its result and duration to the observer; a throw becomes `error`. */
export async function runObserved(
  queue: string,
  handler: QueueMessageHandler,
  message: QueueMessage,
  observe: HandlerObserver | undefined,
): Promise<HandlerResult | { action: 'error'; error: unknown }> {
  const started = process.hrtime.bigint();
  let result: HandlerResult | { action: 'error'; error: unknown };
  try {
    result = await handler(message);
  } catch (error) {
    result = { action: 'error', error };
  }
  observe?.({ queue, message, result, durationSeconds: Number(process.hrtime.bigint() - started) / 1e9 });
  return result;
}
