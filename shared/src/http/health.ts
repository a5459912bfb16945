import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/** A readiness dependency. A critical one that fails makes the service unavailable (503); others make it degraded. */
export interface ReadinessCheck {
  name: string;
  critical: boolean;
  check: () => Promise<unknown>;
}

const checkTimeoutMs = 2_000;

const readinessResponse = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  checks: z.record(z.string(), z.object({ status: z.enum(['ok', 'failed']), error: z.string().optional() })),
});

/** GET /health/live (the process answers) and GET /health/ready (its dependencies answer). */
export function registerHealthRoutes(app: FastifyInstance, checks: ReadinessCheck[]) {
  app.get(
    '/health/live',
    { schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/health/ready',
    { schema: { tags: ['health'], response: { 200: readinessResponse, 503: readinessResponse } } },
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
      if (status === 'unavailable') return reply.code(503).header('retry-after', '5').send(body);
      return reply.code(200).send(body);
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
