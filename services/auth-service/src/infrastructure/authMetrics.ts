import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from './database';

/** Logins by outcome, and the outbox backlog (unpublished rows), counted when Prometheus scrapes. */
export function registerAuthMetrics(registry: Registry, prisma: Database) {
  new Gauge({
    name: 'auth_outbox_backlog',
    help: 'Outbox events not yet published to SNS',
    registers: [registry],
    async collect() {
      this.set(await prisma.outboxEvent.count({ where: { publishedAt: null } }));
    },
  });
  return {
    loginAttempts: new Counter({
      name: 'auth_login_attempts_total',
      help: 'Login attempts by outcome (success, invalid_credentials, locked, deactivated)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
