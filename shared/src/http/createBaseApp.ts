import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { loggerOptions } from '../logging/logger';
import { registerErrorHandling } from './errorHandler';
import { registerMetrics } from './metrics';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';
const safeId = /^[A-Za-z0-9._:-]{1,128}$/;

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
  /** Behind a load balancer: trust X-Forwarded-For for the client IP. */
  trustProxy?: boolean;
}

/**
 * The Fastify instance both services start from: zod validation and OpenAPI from the same schemas
 * (/docs, /docs/json), request and correlation ids in every log line and response, the shared
 * error shape, and Prometheus metrics. The service adds its routes and health checks.
 */
export async function createBaseApp(options: BaseAppOptions) {
  const app = Fastify({
    logger: loggerOptions({ service: options.service, level: options.logLevel, pretty: options.prettyLogs }),
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers[REQUEST_ID_HEADER];
      return typeof given === 'string' && safeId.test(given) ? given : randomUUID();
    },
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('correlationId', '');
  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers[CORRELATION_ID_HEADER];
    request.correlationId = typeof given === 'string' && safeId.test(given) ? given : request.id;
    request.log = request.log.child({ correlationId: request.correlationId });
    reply.header(REQUEST_ID_HEADER, request.id).header(CORRELATION_ID_HEADER, request.correlationId);
  });

  registerErrorHandling(app);
  app.decorate('metrics', registerMetrics(app, options.service));

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: options.service, description: options.description, version: options.version },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  return app;
}

export type BaseApp = Awaited<ReturnType<typeof createBaseApp>>;
export type { FastifyInstance };
