import { oncePerScrape } from '@platform/shared/http';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PublishPendingOutboxEvents } from '../modules/outbox';
import type { Database } from './database';

/**
 * The auth-service's own metrics: logins by outcome, and the outbox. The backlog (unpublished rows)
 * and the age of its oldest row are read with one query when Prometheus scrapes; the relay's results
 * are counted by `countRelayRuns`, around whichever runner calls it (the loop, the scheduled Lambda).
 */
export function registerAuthMetrics(registry: Registry, prisma: Database) {
  const backlog = oncePerScrape(async () => {
    const [row] = await prisma.$queryRaw<Array<{ pending: bigint; oldest_seconds: number | null }>>`
      SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
      FROM outbox_events WHERE published_at IS NULL`;
    return { pending: Number(row?.pending ?? 0), oldestSeconds: Math.max(0, row?.oldest_seconds ?? 0) };
  });
  new Gauge({
    name: 'outbox_unpublished_events',
    help: 'Outbox events not yet published to SNS (the backlog)',
    registers: [registry],
    async collect() {
      this.set((await backlog()).pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest outbox event not yet published to SNS (0 when none is waiting)',
    registers: [registry],
    async collect() {
      this.set((await backlog()).oldestSeconds);
    },
  });
  const published = new Counter({
    name: 'outbox_events_published_total',
    help: 'Outbox events the relay published to SNS',
    registers: [registry],
  });
  const publishFailures = new Counter({
    name: 'outbox_publish_failures_total',
    help: 'Outbox events whose publish failed (SNS refused the entry, or the call failed or timed out); each is retried with backoff',
    registers: [registry],
  });
  const runFailures = new Counter({
    name: 'outbox_relay_run_failures_total',
    help: 'Relay runs that failed as a whole (the database or the topic lookup failed); the next run tries again',
    registers: [registry],
  });
  return {
    loginAttempts: new Counter({
      name: 'auth_login_attempts_total',
      help: 'Login attempts by outcome (success, invalid_credentials, locked, deactivated)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    /** The relay, counted: published events, failed publishes, failed runs. */
    countRelayRuns(relay: PublishPendingOutboxEvents): PublishPendingOutboxEvents {
      return async () => {
        try {
          const result = await relay();
          published.inc(result.published);
          publishFailures.inc(result.failed);
          return result;
        } catch (error) {
          runFailures.inc();
          throw error;
        }
      };
    },
  };
}
