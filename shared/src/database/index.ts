/** @platform/shared/database: Postgres error helpers. */
export * from './uniqueViolation';
