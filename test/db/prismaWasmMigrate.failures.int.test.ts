import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyMigrations, createMigration } from '../../scripts/db/prismaWasmMigrate';
import { query, SCHEMA_V1 as V1, useTestDb } from './testDb';

jest.setTimeout(60_000);

const db = useTestDb('wasm_migrate_fail_test');
const apply = () => applyMigrations({ databaseUrl: db.url, schemaPath: V1, migrationsDir: db.migrationsDir });

/** Adds a hand-written migration to the folder. */
function addMigration(name: string, sql: string) {
  mkdirSync(path.join(db.migrationsDir, name));
  writeFileSync(path.join(db.migrationsDir, name, 'migration.sql'), sql);
}

describe('prismaWasmMigrate refuses or reports what migrate deploy would', () => {
  let init: string;

  beforeAll(async () => {
    const created = await createMigration({
      databaseUrl: db.url,
      schemaPath: V1,
      migrationsDir: db.migrationsDir,
      name: 'init',
    });
    init = created!.migrationName;
    expect(await apply()).toEqual([init]);
  });

  test('a migration edited after it was applied is refused, naming it', async () => {
    const file = path.join(db.migrationsDir, init, 'migration.sql');
    const original = readFileSync(file, 'utf8');
    appendFileSync(file, '\n-- edited after deploy\n');
    try {
      await expect(apply()).rejects.toThrow(new RegExp(`modified after they were applied.*${init}`));
    } finally {
      writeFileSync(file, original);
    }
    expect(await apply()).toEqual([]); // restored: accepted again
  });

  test('a hand-written migration with ; inside a function body and a string is sent whole', async () => {
    const name = '99980101000000_function';
    addMigration(
      name,
      `CREATE FUNCTION greet() RETURNS text AS $$ BEGIN PERFORM 1; RETURN 'a;b'; END; $$ LANGUAGE plpgsql;`,
    );
    expect(await apply()).toEqual([name]);
    expect(await query(db.url, 'SELECT greet() AS g')).toEqual([{ g: 'a;b' }]);
  });

  test('a failing migration is reported with its name and the database error, rolled back whole, then blocks deploys', async () => {
    addMigration('99990101000000_broken', 'CREATE TABLE "Partial" (id int);\nCREATE TABLE "Account" (id int);\n');

    await expect(apply()).rejects.toThrow(
      /failed: migration 99990101000000_broken: .*relation "Account" already exists/,
    );
    // One multi-statement query is one implicit transaction, as with the native engine.
    expect(await query(db.url, 'SELECT to_regclass(\'"Partial"\') AS t')).toEqual([{ t: null }]);
    await expect(apply()).rejects.toThrow(/recorded as failed.*99990101000000_broken/);
  });
});
