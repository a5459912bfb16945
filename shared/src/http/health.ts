import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { oncePerScrape } from './metrics';
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

interface CheckResult {
  name: string;
  critical: boolean;
  ok: boolean;
  error?: string;
}

async function runChecks(checks: ReadinessCheck[], log: FastifyBaseLogger): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async ({ name, critical, check }) => {
      try {
        await withTimeout(check(), checkTimeoutMs);
        return { name, critical, ok: true };
      } catch (error) {
        log.warn({ dependency: name, err: error }, 'readiness check failed');
        return { name, critical, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

const readinessOf = (results: CheckResult[]) =>
  results.some((r) => !r.ok && r.critical) ? 'unavailable' : results.some((r) => !r.ok) ? 'degraded' : 'ok';

/**
 * GET /health/live (the process answers) and GET /health/ready (its dependencies answer); the same
 * checks run when Prometheus scrapes, as health_check_up{check,critical} and health_ready (0 when
 * a critical dependency is down, as /health/ready's 503), so readiness can page without a prober.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: ReadinessCheck[]) {
  const checkForScrape = oncePerScrape(() => runChecks(checks, app.log));
  new Gauge({
    name: 'health_check_up',
    help: 'Readiness checks of the dependencies: 1 when the dependency answers, 0 when not',
    labelNames: ['check', 'critical'] as const,
    registers: [app.metrics],
    async collect() {
      for (const result of await checkForScrape())
        this.set({ check: result.name, critical: String(result.critical) }, result.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'health_ready',
    help: 'Readiness of the service: 1 when ready or degraded, 0 when a critical dependency is down (/health/ready answers 503)',
    registers: [app.metrics],
    async collect() {
      this.set(readinessOf(await checkForScrape()) === 'unavailable' ? 0 : 1);
    },
  });

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
      const results = await runChecks(checks, request.log);
      const status = readinessOf(results);
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
