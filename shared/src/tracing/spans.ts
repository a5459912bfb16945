import { context, propagation, ROOT_CONTEXT, trace, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { tracingActive } from './startTracing';

/** The tracer of the platform's own spans (HTTP requests, outbox, publishes, queue messages). */
export const tracer = trace.getTracer('user-platform');

/** The W3C trace context message attributes: `traceparent` and, when there is one, `tracestate`. */
export type TraceCarrier = Partial<Record<'traceparent' | 'tracestate', string>>;

/** The trace context of the active span as W3C attributes, or undefined when tracing is off or no span is active. */
export function activeTraceCarrier(): TraceCarrier | undefined {
  if (!tracingActive() || !trace.getActiveSpan()) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a W3C carrier (message attributes, HTTP headers) continues; ROOT_CONTEXT when it holds none. */
export function contextFromCarrier(carrier: Record<string, string | string[] | undefined> | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** The W3C attributes of a span's context. */
export function carrierOf(span: Span): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier;
}

/** Ends a span, marked as failed when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/**
 * Runs `work` inside a span that is a child of the active one (when tracing is on; otherwise just
 * runs it): the span ends when the work settles and records a failure.
 * @example await withSpan('send mail', { attributes: { 'event.type': type } }, () => transport.send(mail));
 */
export async function withSpan<T>(
  name: string,
  options: Parameters<typeof tracer.startSpan>[1],
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingActive()) return work();
  return tracer.startActiveSpan(name, options ?? {}, async (span) => {
    try {
      const result = await work();
      endSpan(span);
      return result;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  });
}
