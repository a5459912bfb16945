/**
 * npm run db:migration:create -- --service auth-service --name add_users
 * Writes services/<service>/prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that
 * takes the existing migrations to the service's schema.prisma (wasm schema engine, shadow database
 * created and dropped on the service's Postgres server). Writes nothing if there is no change.
 */
import path from 'node:path';
import { consoleIo, parseCliArgs, runCli, type Io } from './db/cli';
import { REPO_ROOT, selectDatabases } from './db/databases';
import { createMigration } from './db/prismaWasmMigrate';

const USAGE = 'usage: npm run db:migration:create -- --service <service> --name <migration_name>';

export function createFromSchema(
  argv: string[],
  io: Io = consoleIo,
  env = process.env,
  root = REPO_ROOT,
): Promise<number> {
  return runCli('db:migration:create', io, async () => {
    const { service, name } = parseCliArgs(argv);
    if (!service || !name) throw new Error(`--service and --name are required (${USAGE})`);
    const [db] = selectDatabases(service, io.err, env, root);
    if (!db) return 1; // schema missing: selectDatabases already said so

    const created = await createMigration({ ...db, name, log: io.out });
    if (created) io.out(`${db.service}: review ${path.relative(root, created.filePath)}, then run npm run db:migrate`);
    return 0;
  });
}

if (require.main === module) {
  void createFromSchema(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
