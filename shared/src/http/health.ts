import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { routeDocs } from './routeDocs';

/** A readiness dependency. A critical one that fails makes the service unavailable (503); others make it degraded. */
export interface ReadinessCheck {
  name: string;
  critical: boolean;
  check: () => Promise<unknown>;
}

const checkTimeoutMs = 2_000;

const readinessResponse = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'failed']), error: z.string().optional() })),
  })
  .meta({
    id: 'Readiness',
    description:
      'ok: every dependency answers; degraded (200): a non-critical one does not and the service still works; ' +
      'unavailable (503): a critical one does not',
    examples: [
      {
        status: 'degraded',
        checks: { postgres: { status: 'ok' }, redis: { status: 'failed', error: 'redis is reconnecting' } },
      },
    ],
  });

const route = routeDocs({});

/** GET /health/live (the process answers) and GET /health/ready (its dependencies answer). */
export function registerHealthRoutes(app: FastifyInstance, checks: ReadinessCheck[]) {
  app.get(
    '/health/live',
    {
      schema: route({
        operationId: 'getLiveness',
        summary: 'Liveness: the process answers',
        description: 'No dependency is asked; restart the process when this fails.',
        tags: ['health'],
        auth: 'public',
        response: { 200: z.object({ status: z.literal('ok') }).meta({ description: 'The process is alive' }) },
      }),
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/health/ready',
    {
      schema: route({
        operationId: 'getReadiness',
        summary: 'Readiness: the dependencies answer',
        description: 'Each dependency is asked with a 2 s timeout. Send no traffic while this is 503.',
        tags: ['health'],
        auth: 'public',
        response: { 200: readinessResponse, 503: readinessResponse },
      }),
    },
    async (request, reply) => {
      const results = await Promise.all(
        checks.map(async ({ name, critical, check }) => {
          try {
            await withTimeout(check(), checkTimeoutMs);
            return { name, critical, ok: true as const };
          } catch (error) {
            request.log.warn({ dependency: name, err: error }, 'readiness check failed');
            return {
              name,
              critical,
              ok: false as const,
              error: error instanceof Error ? error.message : String(error),
            };
          }
        }),
      );
      const status = results.some((r) => !r.ok && r.critical)
        ? 'unavailable'
        : results.some((r) => !r.ok)
          ? 'degraded'
          : 'ok';
      const body = {
        status,
        checks: Object.fromEntries(
          results.map((r) => [
            r.name,
            r.ok ? { status: 'ok' as const } : { status: 'failed' as const, error: r.error },
          ]),
        ),
      } as const;
      return reply.code(status === 'unavailable' ? 503 : 200).send(body);
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
