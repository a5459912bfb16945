import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { dropDatabase, withDatabase } from '../../../scripts/db/pgUrl';
import { applyMigrations } from '../../../scripts/db/prismaWasmMigrate';

const serviceRoot = path.resolve(__dirname, '..');

/**
 * A database of its own for tests that act on the whole outbox table (the relay publishes every
 * pending row) and must not race other test files. Named `<prefix>_<pid>_<random>`, so two runs on
 * one server never share or drop each other's; migrated the way `npm run db:migrate` does.
 */
export async function freshAuthDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(process.env.AUTH_DATABASE_URL!, name);
  await applyMigrations({
    databaseUrl: url,
    schemaPath: path.join(serviceRoot, 'prisma/schema.prisma'),
    migrationsDir: path.join(serviceRoot, 'prisma/migrations'),
  });
  return { url, drop: () => dropDatabase(url) };
}
