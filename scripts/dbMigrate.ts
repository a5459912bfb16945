/**
 * npm run db:migrate [-- --service auth-service]
 * Applies pending Prisma migrations to every service database, with the wasm schema engine
 * (no native Prisma engine needed). Exit code 1 if any service failed.
 */
import { consoleIo, parseCliArgs, runCli, type Io } from './db/cli';
import { REPO_ROOT, selectDatabases } from './db/databases';
import { maskUrl, redactUrls } from './db/pgUrl';
import { applyMigrations } from './db/prismaWasmMigrate';

export function migrateAll(argv: string[], io: Io = consoleIo, env = process.env, root = REPO_ROOT): Promise<number> {
  return runCli('db:migrate', io, async () => {
    const { service, name } = parseCliArgs(argv);
    if (name) throw new Error('--name is for db:migration:create');
    let failed = 0;
    for (const db of selectDatabases(service, io.out, env, root)) {
      const where = `${db.service} (${maskUrl(db.databaseUrl)})`;
      const log = (message: string) => io.out(`  ${db.service}: ${message}`);
      try {
        // One service at a time: their databases are independent, so one failing does not stop the others.
        const applied = await applyMigrations({ ...db, log });
        io.out(applied.length ? `${where}: applied ${applied.join(', ')}` : `${where}: up to date`);
      } catch (error) {
        failed++;
        io.err(`${where}: FAILED: ${redactUrls((error as Error).message)}`);
      }
    }
    return failed ? 1 : 0;
  });
}

if (require.main === module) {
  void migrateAll(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
