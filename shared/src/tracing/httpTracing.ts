import { context, SpanKind, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { contextFromCarrier, endSpan, tracer } from './spans';
import { tracingActive } from './startTracing';

const requestSpans = new WeakMap<FastifyRequest, { span: Span; context: Context }>();

/**
 * A SERVER span per HTTP request (`POST /auth/register`), continuing the caller's trace when it
 * sends a `traceparent` header; route handlers run inside it, so what they do (an outbox row, a
 * publish) joins the request's trace. Registered only when tracing is on: otherwise it adds no
 * hook at all. Health probes and /metrics are not traced.
 * Call it before any route is added (it wraps the handlers of routes added after it).
 */
export function registerHttpTracing(app: FastifyInstance): void {
  if (!tracingActive()) return;
  const untraced = new Set(['/health/live', '/health/ready', '/metrics']);

  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    if (route && untraced.has(route)) return done();
    const parent = contextFromCarrier(request.headers);
    const span = tracer.startSpan(
      `${request.method} ${route ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
          ...(route ? { 'http.route': route } : {}),
        },
      },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    requestSpans.set(request, { span, context: spanContext });
    context.with(spanContext, done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const traced = requestSpans.get(request);
    if (!traced) return;
    traced.span.setAttributes({
      'http.response.status_code': reply.statusCode,
      'correlation.id': request.correlationId,
    });
    endSpan(traced.span, reply.statusCode >= 500 ? new Error(`HTTP ${reply.statusCode}`) : undefined);
  });
  // Body parsing runs in the socket's context, not the hook's: the handler is put back into the request's.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function tracedHandler(this: FastifyInstance, request, reply) {
      const traced = requestSpans.get(request);
      return traced ? context.with(traced.context, handler, this, request, reply) : handler.call(this, request, reply);
    };
  });
}
