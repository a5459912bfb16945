import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import type { AuthConfig } from './config';

/** Pool sizes by NODE_ENV (docs/architecture.md): connections, wait for a free connection, connect timeout. */
const poolByEnvironment = {
  development: { max: 10, poolTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
  test: { max: 10, poolTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
  staging: { max: 5, poolTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
  production: { max: 20, poolTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
} as const;

/**
 * The auth_db connection pool (node-postgres), shared by Prisma and the statements of the login
 * path, which go to it directly (a Prisma query costs several times the CPU of the same SQL); made
 * here so that its figures can be watched (/metrics).
 */
export function createPool(
  config: Pick<AuthConfig, 'AUTH_DATABASE_URL' | 'NODE_ENV'>,
  options: { max?: number } = {},
): Pool {
  const pool = poolByEnvironment[config.NODE_ENV];
  return new Pool({
    connectionString: config.AUTH_DATABASE_URL,
    max: options.max ?? pool.max,
    connectionTimeoutMillis: pool.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
}

/** The Prisma client of auth_db over node-postgres (no native query engine), on `pool` (the caller ends it). */
export function createPrisma(
  pool: Pool,
  config: Pick<AuthConfig, 'NODE_ENV'>,
  options: { poolTimeoutMs?: number } = {},
) {
  // Prisma 7 has no pool timeout of its own with driver adapters; transactions get the same bound.
  const maxWait = options.poolTimeoutMs ?? poolByEnvironment[config.NODE_ENV].poolTimeoutMs;
  return new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait, timeout: 10_000 } });
}

export type Database = ReturnType<typeof createPrisma>;
/** The client inside `prisma.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Database['$transaction']>[0]>[0];
/** Prisma's namespace of generated types (InputJsonValue, model inputs…). */
export type { Prisma } from '../generated/prisma/client';
export type { Pool };
