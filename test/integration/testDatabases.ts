import { randomBytes } from 'node:crypto';
import { dropDatabase, withDatabase } from '../../scripts/db/pgUrl';
import { applyMigrations } from '../../scripts/db/prismaWasmMigrate';
import { selectDatabases } from '../../scripts/db/databases';

/**
 * Gives every service with a Prisma schema its own fresh test database on the test server
 * (auth_test_<pid>_<random>, user_test_<pid>_<random>: two runs on one server never share one, even
 * from two containers whose processes have the same pid), migrated the way
 * `npm run db:migrate` does, and points the service's URL variable (AUTH_DATABASE_URL, …) at it.
 * Returns a function that drops them.
 */
export async function provideTestDatabases(serverUrl: string): Promise<() => Promise<void>> {
  process.env.REDIS_URL = process.env.TEST_REDIS_URL;
  const created: string[] = [];
  const run = `${process.pid}_${randomBytes(4).toString('hex')}`;
  for (const database of selectDatabases(undefined, () => undefined)) {
    const url = withDatabase(serverUrl, `${database.service.replace(/-service$/, '')}_test_${run}`);
    await applyMigrations({ databaseUrl: url, schemaPath: database.schemaPath, migrationsDir: database.migrationsDir });
    created.push(url);
    process.env[database.envVar] = url;
  }
  return async () => {
    for (const url of created) await dropDatabase(url);
  };
}
