import { SpanKind, trace, type Span } from '@opentelemetry/api';
import { carrierOf, contextFromCarrier, endSpan, tracer, type TraceCarrier } from './spans';
import { tracingActive } from './startTracing';

/** Marks on the active span (the HTTP request) which events its transaction wrote to the outbox. */
export function recordOutboxEvents(events: ReadonlyArray<{ id: string; type: string }>): void {
  if (!tracingActive()) return;
  const span = trace.getActiveSpan();
  for (const event of events) span?.addEvent('outbox.enqueue', { 'event.id': event.id, 'event.type': event.type });
}

type StringAttributes = Record<string, { DataType: 'String'; StringValue: string }>;

/** Whether a stored value is a W3C carrier (an outbox row's trace_context). */
function isCarrier(value: unknown): value is TraceCarrier {
  return typeof value === 'object' && value !== null && typeof (value as TraceCarrier).traceparent === 'string';
}

const asAttributes = (carrier: TraceCarrier): StringAttributes =>
  Object.fromEntries(
    Object.entries(carrier)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  );

/**
 * The trace of one relay run's publishes. For each outbox row written while tracing (its
 * trace_context): a PRODUCER span `publish <topic>`, a child of the request that wrote the row,
 * whose context goes out as the message attributes `traceparent` / `tracestate`, so the consumers
 * continue the same trace. When this process does not trace, the row's context is passed on as it
 * is. Rows without one get no attributes and no span.
 */
export function tracePublishes(rows: ReadonlyArray<{ id: string; traceContext: unknown }>, topicArn: string) {
  const spans = new Map<string, Span>();
  const attributes = new Map<string, StringAttributes>();
  const topic = topicArn.slice(topicArn.lastIndexOf(':') + 1);
  for (const row of rows) {
    if (!isCarrier(row.traceContext)) continue;
    if (!tracingActive()) {
      attributes.set(row.id, asAttributes(row.traceContext));
      continue;
    }
    const span = tracer.startSpan(
      `publish ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'aws_sns',
          'messaging.destination.name': topic,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.message.id': row.id,
        },
      },
      contextFromCarrier(row.traceContext),
    );
    spans.set(row.id, span);
    attributes.set(row.id, asAttributes(carrierOf(span)));
  }
  return {
    /** The trace context message attributes of a row's message (none for a row without one). */
    attributesOf: (id: string): StringAttributes => attributes.get(id) ?? {},
    /** Ends the spans: a row in `errors` did not go out. */
    end(errors: ReadonlyMap<string, string>) {
      for (const [id, span] of spans) endSpan(span, errors.has(id) ? new Error(errors.get(id)) : undefined);
    },
  };
}
