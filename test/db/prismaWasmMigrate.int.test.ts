import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { applyMigrations, createMigration } from '../../scripts/db/prismaWasmMigrate';
import { databaseName } from '../../scripts/db/pgUrl';
import { query, SCHEMA_V1 as V1, SCHEMA_V2 as V2, SERVER_URL, useTestDb } from './testDb';

jest.setTimeout(60_000);

const db = useTestDb('wasm_migrate_test');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const options = (schemaPath: string) => ({ databaseUrl: db.url, schemaPath, migrationsDir: db.migrationsDir });

describe('prismaWasmMigrate against a real Postgres', () => {
  let init: string;

  test('createMigration writes the SQL from the (empty) migrations folder to the schema', async () => {
    const created = await createMigration({ ...options(V1), name: 'init' });

    expect(created?.migrationName).toMatch(/^\d{14}_init$/);
    init = created!.migrationName;
    expect(created!.sql).toContain('CREATE TABLE "Account"');
    expect(created!.sql).toContain('CREATE TABLE "Profile"');
    expect(readFileSync(path.join(db.migrationsDir, init, 'migration.sql'), 'utf8')).toBe(created!.sql);
    expect(readFileSync(path.join(db.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
    // The shadow database is gone, and the target database was not needed.
    expect(await db.shadowDatabasesLeft()).toEqual([]);
    expect(await query(SERVER_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(db.url)])).toEqual([]);
  });

  test('applyMigrations creates the database and records the migration as migrate deploy does', async () => {
    const logs: string[] = [];
    expect(await applyMigrations({ ...options(V1), log: (m) => logs.push(m) })).toEqual([init]);
    expect(logs).toContain(`created database ${databaseName(db.url)}`);

    const tables = await query<{ table_name: string }>(
      db.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['Account', 'Profile', '_prisma_migrations']);

    const [row, ...others] = await query<Record<string, unknown>>(db.url, 'SELECT * FROM _prisma_migrations');
    expect(others).toEqual([]);
    expect(row).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      checksum: sha256(path.join(db.migrationsDir, init, 'migration.sql')),
      migration_name: init,
      logs: null,
      rolled_back_at: null,
      started_at: expect.any(Date),
      finished_at: expect.any(Date),
      applied_steps_count: 1,
    });
    expect((row!.finished_at as Date) >= (row!.started_at as Date)).toBe(true);
  });

  test('_prisma_migrations has the column types of the native engine', async () => {
    const columns = await query<{ column_name: string; type: string; nullable: string }>(
      db.url,
      `SELECT column_name, format_type(atttypid, atttypmod) AS type, is_nullable AS nullable
         FROM information_schema.columns
         JOIN pg_attribute ON attrelid = '_prisma_migrations'::regclass AND attname = column_name
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.type} ${c.nullable}`)).toEqual([
      'id character varying(36) NO',
      'checksum character varying(64) NO',
      'finished_at timestamp with time zone YES',
      'migration_name character varying(255) NO',
      'logs text YES',
      'rolled_back_at timestamp with time zone YES',
      'started_at timestamp with time zone NO',
      'applied_steps_count integer NO',
    ]);
  });

  test('a second apply applies nothing', async () => {
    expect(await applyMigrations(options(V1))).toEqual([]);
  });

  test('createMigration with an unchanged schema says so and writes nothing', async () => {
    const before = readdirSync(db.migrationsDir);
    const logs: string[] = [];
    expect(await createMigration({ ...options(V1), name: 'noop', log: (m) => logs.push(m) })).toBeNull();
    expect(logs.join('\n')).toMatch(/No schema changes/);
    expect(readdirSync(db.migrationsDir)).toEqual(before);
  });

  test('a schema change becomes a second migration, applied alone and after the first', async () => {
    const created = await createMigration({ ...options(V2), name: 'add display-name' });
    expect(created!.migrationName).toMatch(/^\d{14}_add_display_name$/);
    expect(created!.migrationName > init).toBe(true); // made in the same second, still sorts last
    expect(created!.sql).toMatch(/ALTER TABLE "Profile" ADD COLUMN\s+"displayName" TEXT/);
    expect(await applyMigrations(options(V2))).toEqual([created!.migrationName]);
    expect(await db.shadowDatabasesLeft()).toEqual([]);
  });
});
