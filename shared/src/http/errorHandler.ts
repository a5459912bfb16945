import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { postgresFailure } from './dependencyErrors';
import { AppError } from './errors';

interface FieldIssue {
  field: string;
  message: string;
}

/**
 * One error shape for every failure: `{ error: { code, message, details? } }`. Bad input is a 400
 * naming the fields; Fastify's own 4xx (bad JSON, wrong content type, body too large) keep their
 * status; Postgres down or out of connections is a 503 (DEPENDENCY_UNAVAILABLE naming postgres, or
 * OVERLOADED) with Retry-After; anything else is a 500 whose internals are logged with the request
 * id, never returned. A 500 means a bug.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((caught: FastifyError | AppError | ZodError, request, reply) => {
    let error = caught;
    const outage = postgresFailure(error);
    if (outage) {
      request.log.warn({ err: error }, outage.message);
      error = outage;
    }
    if (error instanceof AppError) {
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({
          error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
        });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const details: FieldIssue[] = error.validation.map((issue) => ({
        field: [
          where,
          ...String(issue.instancePath ?? '')
            .split('/')
            .filter(Boolean),
        ].join('.'),
        message: issue.message ?? 'invalid',
      }));
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: describe(details), details } });
    }
    if (error instanceof ZodError) {
      const details = error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: describe(details), details } });
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: { code: clientErrorCode(error as FastifyError), message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .code(500)
      .send({ error: { code: 'INTERNAL_ERROR', message: 'internal error', details: { requestId: request.id } } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}

function describe(details: FieldIssue[]): string {
  return `invalid request: ${details.map((detail) => `${detail.field}: ${detail.message}`).join('; ')}`;
}

function clientErrorCode(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'INVALID_JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return error.code?.startsWith('FST_') ? 'BAD_REQUEST' : (error.code ?? 'BAD_REQUEST');
  }
}
