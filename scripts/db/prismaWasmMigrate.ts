import { databaseName, ensureDatabase, maskUrl, withDatabase } from './pgUrl';
import { loadMigrationsList, nextMigrationTimestamp, writeMigration } from './migrationsDir';
import { engineErrorMessage, NO_FILTER, withSchemaEngine, type Log } from './schemaEngineSession';
import type { MigrationList } from './loadSchemaEngine';

export type { Log } from './schemaEngineSession';

/** The server the shadow database is created on when createMigration gets no URL (local dev Postgres). */
export const DEFAULT_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  schemaPath: string;
  migrationsDir: string;
  log?: Log;
}

export interface CreateMigrationOptions {
  /** Server (and database name) used to derive the temporary shadow database; defaults to DEFAULT_SERVER_URL. */
  databaseUrl?: string;
  schemaPath: string;
  migrationsDir: string;
  name: string;
  log?: Log;
}

export interface CreatedMigration {
  migrationName: string;
  filePath: string;
  sql: string;
}

/** The engine refuses a migrations list without a lock file; before the first migration there is none yet. */
function withLockfile(list: MigrationList): MigrationList {
  if (list.lockfile.content !== null) return list;
  return { ...list, lockfile: { ...list.lockfile, content: 'provider = "postgresql"\n' } };
}

/**
 * `prisma migrate deploy` without the native engine: creates the database if missing, refuses to
 * run over edited or failed migrations, then applies the pending ones, recording them in
 * `_prisma_migrations` exactly as the native engine does (it is the same engine, compiled to wasm).
 * Returns the names of the migrations applied (empty when up to date).
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<string[]> {
  const { databaseUrl, log } = options;
  const where = maskUrl(databaseUrl);
  const created = await ensureDatabase(databaseUrl).catch((error: Error) => {
    throw new Error(`Cannot connect to ${where}: ${error.message}`, { cause: error });
  });
  if (created) log?.(`created database ${databaseName(databaseUrl)}`);
  const migrationsList = withLockfile(await loadMigrationsList(options.migrationsDir));

  return withSchemaEngine({ connectUrl: databaseUrl, shadowBaseUrl: databaseUrl, ...options }, async ({ engine }) => {
    // applyMigrations itself only logs edited migrations and goes on; we want deploys to stop.
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    });
    if (diagnosis.editedMigrationNames.length > 0) {
      throw new Error(
        `Migration(s) modified after they were applied to ${where}: ${diagnosis.editedMigrationNames.join(', ')}. ` +
          'Their migration.sql no longer matches the checksum in _prisma_migrations; restore the applied file and put changes in a new migration.',
      );
    }
    if (diagnosis.failedMigrationNames.length > 0) {
      throw new Error(
        `Migration(s) recorded as failed in ${where}: ${diagnosis.failedMigrationNames.join(', ')}. ` +
          'Fix the database by hand, then mark them rolled back before deploying again: `prisma migrate resolve ' +
          '--rolled-back <name>` where the native engine exists, or what that does: UPDATE _prisma_migrations SET ' +
          "rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL AND rolled_back_at IS NULL.",
      );
    }
    if (
      diagnosis.history?.diagnostic === 'migrationsDirectoryIsBehind' ||
      diagnosis.history?.diagnostic === 'historiesDiverge'
    ) {
      log?.(
        `warning: ${where} has applied migrations missing from ${options.migrationsDir}: ${diagnosis.history.unpersistedMigrationNames.join(', ')}`,
      );
    }
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      return appliedMigrationNames;
    } catch (error) {
      throw new Error(`Applying migrations to ${where} failed: ${engineErrorMessage(error)}`, { cause: error });
    }
  });
}

/** Migration names become directory names: keep them to [A-Za-z0-9_], as `prisma migrate dev` does. */
export function sanitizeMigrationName(name: string): string {
  const clean = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!clean) throw new Error(`Invalid migration name ${JSON.stringify(name)}: use letters, digits and _`);
  return clean;
}

/**
 * `prisma migrate dev --create-only` without the native engine: replays the migrations folder on a
 * temporary shadow database, diffs it against the schema and writes the difference as a new
 * `<YYYYMMDDHHMMSS>_<name>/migration.sql` (plus migration_lock.toml if missing).
 * Returns null, writing nothing, when the migrations already match the schema.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreatedMigration | null> {
  const serverUrl = options.databaseUrl ?? DEFAULT_SERVER_URL;
  const name = sanitizeMigrationName(options.name);
  const migrationsList = withLockfile(await loadMigrationsList(options.migrationsDir));

  const sql = await withSchemaEngine(
    // The target database need not exist: the engine only needs some connection, the shadow does the work.
    { ...options, connectUrl: withDatabase(serverUrl, 'postgres'), shadowBaseUrl: serverUrl },
    async ({ engine, schemaFiles }) => {
      try {
        const result = await engine.diff({
          from: { tag: 'migrations', ...migrationsList },
          to: { tag: 'schemaDatamodel', files: schemaFiles },
          script: true,
          exitCode: true, // 2 when there is a difference, 0 when there is none
          filters: NO_FILTER,
        });
        return result.exitCode === 2 ? (result.stdout ?? '') : null;
      } catch (error) {
        throw new Error(`Computing the migration for ${options.schemaPath} failed: ${engineErrorMessage(error)}`, {
          cause: error,
        });
      }
    },
  );

  if (sql === null) {
    options.log?.(
      `No schema changes: ${options.migrationsDir} already matches ${options.schemaPath}; nothing written.`,
    );
    return null;
  }
  const existing = migrationsList.migrationDirectories.map((dir) => dir.path);
  const migrationName = `${nextMigrationTimestamp(existing)}_${name}`;
  const filePath = await writeMigration(options.migrationsDir, migrationName, sql);
  options.log?.(`Created ${filePath}`);
  return { migrationName, filePath, sql };
}
