import { context, ROOT_CONTEXT, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { QueueMessage } from '../messaging/queueMessage';
import { contextFromCarrier, endSpan, tracer } from './spans';
import { tracingActive } from './startTracing';

const messageContexts = new WeakMap<QueueMessage, Context>();

/** The context of a message's `process` span (traceQueueBatch), for work done for that message alone. */
export function messageContext(message: QueueMessage): Context | undefined {
  return messageContexts.get(message);
}

/** How a batch runner reports a message's result to its span. */
export interface TracedResult {
  outcome: string;
  failed: boolean;
  attributes?: Attributes;
}

/**
 * Traces one receive of a queue runner (the worker or the Lambda) when tracing is on:
 * - a CONSUMER span `process <queue>` per message, a child of the context its producer put in the
 *   message attributes (`traceparent`), so the message's handling joins the trace that published
 *   it: one trace from an HTTP request to the effect of its event;
 * - the handler runs in the message's span when the receive holds one message; when it holds
 *   several, in a batch span of its own, linked to every message's span (and they to it), since
 *   their shared database transaction belongs to no single trace.
 * Each message span ends with its outcome once the handler has answered.
 */
export async function traceQueueBatch<R>(
  queue: string,
  messages: readonly QueueMessage[],
  run: () => Promise<R[]>,
  describe: (message: QueueMessage, result: R) => TracedResult,
): Promise<R[]> {
  if (!tracingActive()) return run();
  const common = {
    'messaging.system': 'aws_sqs',
    'messaging.destination.name': queue,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
  };
  const spans = messages.map((message) => {
    const parent = contextFromCarrier(message.attributes);
    const span = tracer.startSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...common,
          'messaging.message.id': message.messageId,
          'messaging.aws.sqs.receive_count': message.receiveCount,
        },
      },
      parent,
    );
    messageContexts.set(message, trace.setSpan(parent, span));
    return span;
  });
  let batchSpan: Span | undefined;
  let handlerContext = messages.length === 1 ? messageContexts.get(messages[0]!)! : ROOT_CONTEXT;
  if (messages.length > 1) {
    batchSpan = tracer.startSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { ...common, 'messaging.batch.message_count': messages.length },
        links: spans.map((span) => ({ context: span.spanContext() })),
      },
      ROOT_CONTEXT,
    );
    for (const span of spans) span.addLink({ context: batchSpan.spanContext() });
    handlerContext = trace.setSpan(ROOT_CONTEXT, batchSpan);
  }
  try {
    const results = await context.with(handlerContext, run);
    results.forEach((result, index) => {
      const { outcome, failed, attributes } = describe(messages[index]!, result);
      const span = spans[index]!;
      span.setAttributes({ 'messaging.outcome': outcome, ...attributes });
      endSpan(span, failed ? new Error(outcome) : undefined);
    });
    if (batchSpan) endSpan(batchSpan);
    return results;
  } catch (error) {
    for (const span of [...spans, ...(batchSpan ? [batchSpan] : [])]) endSpan(span, error);
    throw error;
  }
}
