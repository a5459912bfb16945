import { Counter, Gauge, type Registry } from 'prom-client';

/** What poolMetrics reads of a node-postgres Pool (typed by shape: shared does not depend on pg). */
interface WatchedPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { max?: number };
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Connection pool figures of a node-postgres Pool, read when Prometheus scrapes:
 * db_pool_connections{pool,state} (idle, in_use), db_pool_max_connections{pool},
 * db_pool_waiting_requests{pool} (callers waiting for a connection: the pool is exhausted) and
 * db_pool_errors_total{pool} (errors of idle connections, e.g. the server closed them).
 * @example registerPoolMetrics(scope.metrics, pool, 'user_db');
 */
export function registerPoolMetrics(registry: Registry, pool: WatchedPool, name: string) {
  const labels = { pool: name };
  new Gauge({
    name: 'db_pool_connections',
    help: 'Open connections of the database pool, by state (idle, in_use)',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
    collect() {
      this.set({ ...labels, state: 'idle' }, pool.idleCount);
      this.set({ ...labels, state: 'in_use' }, pool.totalCount - pool.idleCount);
    },
  });
  new Gauge({
    name: 'db_pool_max_connections',
    help: 'Connections the database pool may open',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.set(labels, pool.options.max ?? 10);
    },
  });
  new Gauge({
    name: 'db_pool_waiting_requests',
    help: 'Callers waiting for a free connection of the database pool (above 0 for long: the pool is exhausted)',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.set(labels, pool.waitingCount);
    },
  });
  const errors = new Counter({
    name: 'db_pool_errors_total',
    help: 'Errors of idle connections of the database pool (the server closed them, the network failed)',
    labelNames: ['pool'] as const,
    registers: [registry],
  });
  errors.inc(labels, 0);
  pool.on('error', () => errors.inc(labels));
}
