/** @platform/shared/database: Postgres error helpers and connection pool metrics. */
export * from './uniqueViolation';
export * from './poolMetrics';
