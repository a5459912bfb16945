import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { createLogger } from '../logging/logger';
import { registerErrorHandling } from './errorHandler';
import { registerTextSafety } from './textSafety';
import { registerMetrics } from './metrics';
import {
  CORRELATION_ID_HEADER,
  correlationIdOf,
  givenRequestId,
  lazyRequestLoggers,
  registerRequestLogging,
  REQUEST_ID_HEADER,
} from './requestLogging';

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
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
  /** Behind proxies: how many X-Forwarded-For hops (or which proxy addresses) to believe for the client IP. */
  trustProxy?: boolean | number | string;
}

/**
 * The Fastify instance both services start from: zod validation and OpenAPI from the same schemas
 * (/docs, /docs/json), request and correlation ids in every log line and response, one log line per
 * request (none for health probes), the shared error shape, and Prometheus metrics. The service
 * adds its routes and health checks.
 */
export async function createBaseApp(options: BaseAppOptions) {
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
    // Fastify fails a boot (plugins, onReady hooks) that takes over 10 s by default; on a starved CPU
    // (a CI machine running many suites, a small Lambda's cold start) a healthy boot can, and failing it helps nobody.
    pluginTimeout: 30_000,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', (request, reply, done) => {
    request.correlationId = correlationIdOf(request.headers, request.id);
    reply.header(REQUEST_ID_HEADER, request.id).header(CORRELATION_ID_HEADER, request.correlationId);
    done();
  });
  registerRequestLogging(app);

  registerErrorHandling(app);
  registerTextSafety(app);
  app.decorate('metrics', registerMetrics(app, options.service));

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: options.service, description: options.description, version: options.version },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  const assets = swaggerUiAssetsDir();
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    baseDir: assets,
    logo: { type: 'image/svg+xml', content: readFileSync(path.join(assets, 'logo.svg')) },
  });
  return app;
}

/**
 * The Swagger UI files (HTML, JS, CSS, logo), found by Node's module resolution rather than by the
 * plugin's own `__dirname`: once @fastify/swagger-ui is bundled (the Lambda zips), `__dirname` is
 * the bundle's folder and the files are not there. Resolution finds them in node_modules in
 * development, in the images and in the zips (serverless.yml ships the package's static folder), and
 * a package without them fails at start with the path it looked for, not on every request.
 */
function swaggerUiAssetsDir(): string {
  // A variable, not a literal: esbuild leaves the lookup to run time without a warning.
  const manifest = '@fastify/swagger-ui/package.json';
  return path.join(path.dirname(require.resolve(manifest)), 'static');
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
