import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * A database of its own for tests that act on the whole outbox table (the relay publishes every
 * pending row) and must not race other test files. The migrations' SQL is replayed directly:
 * Prisma's wasm schema engine does not run inside Jest's sandbox (globalSetup runs it for auth_test).
 */
export async function freshAuthDatabase(name: string): Promise<string> {
  const base = new URL(process.env.AUTH_DATABASE_URL!);
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const migrations = path.resolve(__dirname, '../prisma/migrations');
    for (const dir of readdirSync(migrations, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()) {
      await client.query(readFileSync(path.join(migrations, dir, 'migration.sql'), 'utf8'));
    }
  } finally {
    await client.end();
  }
  return url.toString();
}
