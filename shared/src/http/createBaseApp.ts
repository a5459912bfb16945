import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import type { CommonEnv } from '../config/commonEnv';
import { createLogger } from '../logging/logger';
import { registerHttpTracing } from '../tracing/httpTracing';
import { registerApiDocs } from './apiDocs';
import { registerErrorHandling } from './errorHandler';
import { exposeMetrics, type MetricsExposure, metricsExposureFrom } from './metricsEndpoint';
import { registerMetrics } from './metrics';
import {
  CORRELATION_ID_HEADER,
  correlationIdOf,
  givenRequestId,
  lazyRequestLoggers,
  registerRequestLogging,
  REQUEST_ID_HEADER,
} from './requestLogging';
import { registerSecurityHeaders } from './securityHeaders';
import { registerTextSafety } from './textSafety';

declare module 'fastify' {
  interface FastifyRequest {
    /** Carried from the first request through every event it causes. */
    correlationId: string;
  }
  interface FastifyInstance {
    metrics: Registry;
  }
}

export interface BaseAppOptions {
  service: string;
  version: string;
  description: string;
  logLevel: string;
  prettyLogs?: boolean;
  /** The tags the service's own routes use, each described for the API reference ('health' is added). */
  tags?: ReadonlyArray<{ name: string; description: string }>;
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
  /** Behind proxies: how many X-Forwarded-For hops (or which proxy addresses) to believe for the client IP. */
  trustProxy?: boolean | number | string;
  /** What the service exposes and how long it waits for clients (`exposureFrom(config)`). */
  exposure: Exposure;
}

/** What a service exposes over HTTP besides its API, and its server's client timeouts. */
export interface Exposure {
  /** /docs (the API reference), /docs/json and /docs/yaml; the OpenAPI document is generated either way. */
  docs: boolean;
  metrics: MetricsExposure;
  timeouts: { requestMs: number; headersMs: number; keepAliveMs: number };
}

/** The Exposure the common variables set (API_DOCS, METRICS_*, HTTP_*_TIMEOUT_MS). */
export function exposureFrom(config: CommonEnv): Exposure {
  return {
    docs: config.API_DOCS === 'on',
    metrics: metricsExposureFrom(config),
    timeouts: {
      requestMs: config.HTTP_REQUEST_TIMEOUT_MS,
      headersMs: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      keepAliveMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
  };
}

/**
 * The Fastify instance both services start from: zod validation and OpenAPI from the same schemas
 * (the reference at /docs and the document at /docs/json, when exposed), request and correlation ids
 * in every log line and response, one log line per request (none for health probes), the shared
 * error shape, security headers, client timeouts, and Prometheus metrics (where exposed). The
 * service adds its routes and health checks.
 */
export async function createBaseApp(options: BaseAppOptions) {
  const { timeouts } = options.exposure;
  const logger = createLogger(
    { service: options.service, level: options.logLevel, pretty: options.prettyLogs },
    options.logDestination,
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request (registerRequestLogging) instead of Fastify's two, and no pino child per request.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLoggers,
    requestIdHeader: false,
    genReqId: (request) => givenRequestId(request.headers) ?? randomUUID(),
    // The cast only picks one of Fastify's constructor overloads (it takes each form).
    trustProxy: trustProxyOption(options.trustProxy) as boolean,
    bodyLimit: 64 * 1024,
    // A client that sends its request slowly holds a connection: it gets 408 once these run out
    // (Node checks them every connectionsCheckingInterval, 30 s by default: too coarse for 10 s).
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: 1_000 },
    // Fastify fails a boot (plugins, onReady hooks) that takes over 10 s by default; on a starved CPU
    // (a CI machine running many suites, a small Lambda's cold start) a healthy boot can, and failing it helps nobody.
    pluginTimeout: 30_000,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Before any route: it wraps the handlers of the routes added after it (nothing when tracing is off).
  registerHttpTracing(app);
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', (request, reply, done) => {
    request.correlationId = correlationIdOf(request.headers, request.id);
    reply.header(REQUEST_ID_HEADER, request.id).header(CORRELATION_ID_HEADER, request.correlationId);
    done();
  });
  registerRequestLogging(app);

  await registerSecurityHeaders(app);
  registerErrorHandling(app);
  registerTextSafety(app);
  app.decorate('metrics', registerMetrics(app, options.service));
  exposeMetrics(app, app.metrics, options.exposure.metrics);

  await registerApiDocs(app, { ...options, serveReference: options.exposure.docs });
  return app;
}

/**
 * Fastify's trustProxy. A hop count N believes the N rightmost X-Forwarded-For entries (Express's
 * `trust proxy = N`): right when the service is reachable only through its N proxies (API Gateway, a
 * load balancer). Fastify itself refuses counts (it cannot tell a proxy from a direct client), so the
 * count becomes the equivalent function here; give proxy addresses instead where the service can be
 * reached directly.
 */
function trustProxyOption(trust: BaseAppOptions['trustProxy']) {
  if (typeof trust !== 'number') return trust ?? false;
  const hops = trust;
  return (_address: string, index: number) => index < hops;
}

export type BaseApp = Awaited<ReturnType<typeof createBaseApp>>;
export type { FastifyInstance };
