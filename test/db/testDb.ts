import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { databaseName, dropDatabase, withDatabase } from '../../scripts/db/pgUrl';

// Real Postgres: the server from the integration globalSetup, or the local one when run by hand.
export const SERVER_URL = process.env.TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
export const SCHEMA_V1 = path.join(__dirname, 'fixtures', 'schema.prisma');
export const SCHEMA_V2 = path.join(__dirname, 'fixtures', 'schema.v2.prisma');

export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface TestDb {
  /** A database name nobody else uses; created by the code under test, dropped in afterAll. */
  url: string;
  /** An empty temporary migrations folder (its parent is removed in afterAll). */
  migrationsDir: string;
  /** Shadow databases derived from `url` still on the server (there should be none). */
  shadowDatabasesLeft(): Promise<unknown[]>;
}

/** Registers beforeAll/afterAll hooks providing a unique database URL and migrations folder. */
export function useTestDb(prefix: string): TestDb {
  const url = withDatabase(SERVER_URL, `${prefix}_${randomBytes(4).toString('hex')}`);
  const db: TestDb = {
    url,
    migrationsDir: '',
    shadowDatabasesLeft: () =>
      query(SERVER_URL, "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_shadow\\_%'", [
        databaseName(url),
      ]),
  };
  beforeAll(() => {
    db.migrationsDir = path.join(mkdtempSync(path.join(tmpdir(), `${prefix}-`)), 'migrations');
  });
  afterAll(async () => {
    await dropDatabase(url);
    rmSync(path.dirname(db.migrationsDir), { recursive: true, force: true });
  });
  return db;
}
