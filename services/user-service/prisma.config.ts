// Prisma 7 CLI configuration. The URL is only needed by CLI commands that connect (studio, db pull);
// without this file `prisma studio` had no database URL for the user-service (the schema names none).
// Migrations run through `npm run db:migrate` (wasm schema engine, scripts/db/).
import { loadDotenv } from '@platform/shared/config';
import { defineConfig } from 'prisma/config';

// The same .env as npm run dev and the servers (variables already set win).
loadDotenv();

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.USER_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/user_db' },
});
