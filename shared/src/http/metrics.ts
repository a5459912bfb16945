import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * A Prometheus registry per app (tests build many apps in one process) with default process
 * metrics and HTTP request counts and latencies by route (served by exposeMetrics).
 */
export function registerMetrics(app: FastifyInstance, service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}

/**
 * A sampling function shared by the gauges of one scrape: prom-client starts every collect() of a
 * scrape at once, so the gauges that read the same source (one SQL query, one set of queue
 * attributes) share the sample in flight instead of asking once each; the next scrape samples anew.
 * @example const sample = oncePerScrape(() => readBacklog(prisma)); new Gauge({ ..., async collect() { this.set((await sample()).count); } });
 */
export function oncePerScrape<T>(sample: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () =>
    (inFlight ??= sample().finally(() => {
      inFlight = undefined;
    }));
}
