import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import type { UserConfig } from './config';

/** Pool by NODE_ENV (docs/architecture.md); pg's connectionTimeoutMillis covers both waiting for a pooled connection and connecting. */
const poolByEnv = {
  development: { max: 10, connectionTimeoutMillis: 5_000 },
  test: { max: 5, connectionTimeoutMillis: 5_000 },
  staging: { max: 5, connectionTimeoutMillis: 10_000 },
  production: { max: 20, connectionTimeoutMillis: 10_000 },
} as const;

/** The user_db connection pool (node-postgres), shared by Prisma and the set-based event path. */
export function createPool(config: Pick<UserConfig, 'USER_DATABASE_URL' | 'NODE_ENV'>): Pool {
  return new Pool({ connectionString: config.USER_DATABASE_URL, ...poolByEnv[config.NODE_ENV] });
}

/**
 * The user_db client: Prisma 7 over @prisma/adapter-pg (no native engine) on the given pool. The
 * pool stays the caller's to end (after $disconnect).
 */
export function createPrisma(pool: Pool) {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export type { Pool };

export type Database = ReturnType<typeof createPrisma>;
export type { Prisma } from '../generated/prisma/client';
