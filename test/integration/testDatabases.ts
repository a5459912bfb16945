import { dropDatabase, withDatabase } from '../../scripts/db/pgUrl';
import { applyMigrations } from '../../scripts/db/prismaWasmMigrate';
import { selectDatabases } from '../../scripts/db/databases';

/**
 * Gives every service with a Prisma schema its own fresh test database on the test server
 * (auth_test, user_test), migrated from the service's prisma/migrations the way `npm run
 * db:migrate` does, and points the service's URL variable (AUTH_DATABASE_URL, …) at it.
 */
export async function provideTestDatabases(serverUrl: string) {
  process.env.REDIS_URL = process.env.TEST_REDIS_URL;
  for (const database of selectDatabases(undefined, () => undefined)) {
    const url = withDatabase(serverUrl, `${database.service.replace(/-service$/, '')}_test`);
    await dropDatabase(url);
    await applyMigrations({ databaseUrl: url, schemaPath: database.schemaPath, migrationsDir: database.migrationsDir });
    process.env[database.envVar] = url;
  }
}
