import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCliArgs } from '../../scripts/db/cli';
import { selectDatabases, SERVICE_DATABASES } from '../../scripts/db/databases';
import { nextMigrationTimestamp } from '../../scripts/db/migrationsDir';
import { databaseName, maskUrl, redactUrls, withDatabase } from '../../scripts/db/pgUrl';
import { sanitizeMigrationName } from '../../scripts/db/prismaWasmMigrate';
import { engineErrorMessage } from '../../scripts/db/schemaEngineSession';

describe('database URLs', () => {
  const url = 'postgresql://app:p%40ss@db.internal:5432/auth_db?sslmode=require';

  test('maskUrl hides the password and keeps the rest', () => {
    expect(maskUrl(url)).toBe('postgresql://app:****@db.internal:5432/auth_db?sslmode=require');
    expect(maskUrl('postgresql://postgres@127.0.0.1/x')).toBe('postgresql://postgres@127.0.0.1/x');
    expect(maskUrl('not a url :secret@')).toBe('<invalid database URL>');
  });

  test('redactUrls masks passwords of URLs inside free text', () => {
    expect(redactUrls(`connect to ${url} failed; also postgres://u:pw@h/d`)).toBe(
      'connect to postgresql://app:****@db.internal:5432/auth_db?sslmode=require failed; also postgres://u:****@h/d',
    );
  });

  test('withDatabase and databaseName switch and read the database, keeping credentials and options', () => {
    expect(withDatabase(url, 'postgres')).toBe('postgresql://app:p%40ss@db.internal:5432/postgres?sslmode=require');
    expect(databaseName(url)).toBe('auth_db');
    expect(() => databaseName('postgresql://h:5432')).toThrow(/no database name/);
  });
});

describe('migration names', () => {
  test('sanitizeMigrationName keeps [A-Za-z0-9_]', () => {
    expect(sanitizeMigrationName(' add users-table! ')).toBe('add_users_table');
    expect(() => sanitizeMigrationName('--')).toThrow(/Invalid migration name/);
  });

  test('nextMigrationTimestamp is now, or one second after the latest existing migration', () => {
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(nextMigrationTimestamp([], now)).toBe('20260102030405');
    expect(nextMigrationTimestamp(['20250101000000_init'], now)).toBe('20260102030405');
    expect(nextMigrationTimestamp(['20260102030405_init'], now)).toBe('20260102030406');
    expect(nextMigrationTimestamp(['20260102235959_b', '20260102030405_a'], now)).toBe('20260103000000');
  });

  test('engineErrorMessage drops the Rust span trace but keeps the migration name and code', () => {
    const error = Object.assign(
      new Error(
        'external connector error\nError querying the database: ERROR: boom\n   0: apply_script\n           with migration_name="2026_x"\n   1: more',
      ),
      { code: 'P3018' },
    );
    expect(engineErrorMessage(error)).toBe('migration 2026_x: Error querying the database: ERROR: boom (P3018)');
  });
});

describe('service database registry', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'db-registry-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('lists auth-service and user-service with their env vars and local defaults', () => {
    expect(SERVICE_DATABASES.map((db) => [db.service, db.envVar, databaseName(db.defaultUrl)])).toEqual([
      ['auth-service', 'AUTH_DATABASE_URL', 'auth_db'],
      ['user-service', 'USER_DATABASE_URL', 'user_db'],
    ]);
  });

  test('skips services without a schema, with a note, and takes the URL from the env', () => {
    const schema = path.join(root, 'services/user-service/prisma/schema.prisma');
    mkdirSync(path.dirname(schema), { recursive: true });
    writeFileSync(schema, '');
    const notes: string[] = [];
    const env = { USER_DATABASE_URL: 'postgresql://u@h/other' };

    const selected = selectDatabases(undefined, (n) => notes.push(n), env, root);
    expect(selected.map((db) => [db.service, db.databaseUrl, db.schemaPath])).toEqual([
      ['user-service', 'postgresql://u@h/other', schema],
    ]);
    expect(notes).toEqual([
      'auth-service: skipped, no Prisma schema at services/auth-service/prisma/schema.prisma yet',
    ]);
    expect(selectDatabases('auth-service', () => {}, env, root)).toEqual([]);
    expect(() => selectDatabases('billing', () => {}, env, root)).toThrow(
      /Unknown service "billing".*auth-service, user-service/,
    );
  });
});

test('CLI options: --service/--name in both spellings, unknown options rejected', () => {
  expect(parseCliArgs(['--service', 'auth-service', '--name=add_users'])).toEqual({
    service: 'auth-service',
    name: 'add_users',
  });
  expect(() => parseCliArgs(['--servce', 'x'])).toThrow(/Unknown option/);
});
