import { existsSync } from 'node:fs';
import path from 'node:path';

/** One Prisma-managed database per service: where its schema and migrations live, how to reach it. */
export interface ServiceDatabase {
  service: string;
  /** Environment variable that overrides defaultUrl (set in CI / deployed environments). */
  envVar: string;
  /** Local development database (docker-compose / the CI machine's Postgres). */
  defaultUrl: string;
  /** Paths relative to the repository root. */
  schemaPath: string;
  migrationsDir: string;
}

export const SERVICE_DATABASES: readonly ServiceDatabase[] = [
  {
    service: 'auth-service',
    envVar: 'AUTH_DATABASE_URL',
    defaultUrl: 'postgresql://postgres:postgres@127.0.0.1:5432/auth_db',
    schemaPath: 'services/auth-service/prisma/schema.prisma',
    migrationsDir: 'services/auth-service/prisma/migrations',
  },
  {
    service: 'user-service',
    envVar: 'USER_DATABASE_URL',
    defaultUrl: 'postgresql://postgres:postgres@127.0.0.1:5432/user_db',
    schemaPath: 'services/user-service/prisma/schema.prisma',
    migrationsDir: 'services/user-service/prisma/migrations',
  },
];

/** A registry entry with the URL chosen and paths made absolute. */
export interface ResolvedDatabase extends ServiceDatabase {
  databaseUrl: string;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function resolveDatabase(
  db: ServiceDatabase,
  env: NodeJS.ProcessEnv = process.env,
  root = REPO_ROOT,
): ResolvedDatabase {
  return {
    ...db,
    databaseUrl: env[db.envVar] || db.defaultUrl,
    schemaPath: path.resolve(root, db.schemaPath),
    migrationsDir: path.resolve(root, db.migrationsDir),
  };
}

/**
 * The databases to work on: all, or the one named by `service` (unknown names throw).
 * Services whose schema file does not exist yet are skipped, each with a note through `note`.
 */
export function selectDatabases(
  service: string | undefined,
  note: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  root = REPO_ROOT,
): ResolvedDatabase[] {
  if (service && !SERVICE_DATABASES.some((db) => db.service === service)) {
    const known = SERVICE_DATABASES.map((db) => db.service).join(', ');
    throw new Error(`Unknown service "${service}". Known services: ${known}`);
  }
  return SERVICE_DATABASES.filter((db) => !service || db.service === service)
    .map((db) => resolveDatabase(db, env, root))
    .filter((db) => {
      if (existsSync(db.schemaPath)) return true;
      note(`${db.service}: skipped, no Prisma schema at ${path.relative(root, db.schemaPath)} yet`);
      return false;
    });
}
