import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateAll } from '../../scripts/dbMigrate';
import { createFromSchema } from '../../scripts/dbMigrationCreate';
import { dropDatabase, withDatabase } from '../../scripts/db/pgUrl';

// The CLIs run in-process against a temporary repo root holding only auth-service's schema.
const SERVER_URL = process.env.TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const server = new URL(SERVER_URL);
if (!server.password) server.password = 'cli-test-pw'; // trust auth ignores it; it must never be printed
const PASSWORD = decodeURIComponent(server.password);
const AUTH_URL = withDatabase(server.toString(), `wasm_cli_test_${randomBytes(4).toString('hex')}`);

jest.setTimeout(60_000);

let root: string;
const env = () => ({ AUTH_DATABASE_URL: AUTH_URL });

async function run(cli: typeof migrateAll, argv: string[], cliEnv: NodeJS.ProcessEnv = env()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, cliEnv, root);
  const all = [...out, ...err].join('\n');
  expect(all).not.toContain(PASSWORD);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'db-cli-'));
  const schema = path.join(root, 'services/auth-service/prisma/schema.prisma');
  mkdirSync(path.dirname(schema), { recursive: true });
  copyFileSync(path.join(__dirname, 'fixtures/schema.prisma'), schema);
});

afterAll(async () => {
  await dropDatabase(AUTH_URL);
  rmSync(root, { recursive: true, force: true });
});

test('db:migration:create then db:migrate, masking the password and skipping services without a schema', async () => {
  const created = await run(createFromSchema, ['--service', 'auth-service', '--name', 'init']);
  expect(created).toMatchObject({ code: 0, err: '' });
  expect(created.out).toMatch(/review services\/auth-service\/prisma\/migrations\/\d{14}_init\/migration\.sql/);

  const first = await run(migrateAll, []);
  expect(first.code).toBe(0);
  expect(first.out).toContain('user-service: skipped, no Prisma schema');
  expect(first.out).toMatch(/auth-service \(postgresql:\/\/[^ ]*:\*\*\*\*@[^ ]*\): applied \d{14}_init/);

  expect((await run(migrateAll, ['--service', 'auth-service'])).out).toMatch(/auth-service \(.*\): up to date/);
  expect((await run(createFromSchema, ['--service', 'auth-service', '--name', 'again'])).out).toMatch(
    /No schema changes/,
  );
});

test('failures exit 1 with a clear message', async () => {
  const unreachable = new URL(AUTH_URL);
  unreachable.port = '1';
  const down = await run(migrateAll, ['--service', 'auth-service'], { AUTH_DATABASE_URL: unreachable.toString() });
  expect(down.code).toBe(1);
  expect(down.err).toMatch(/auth-service \(.*:\*\*\*\*@.*:1\/.*\): FAILED: Cannot connect to .*ECONNREFUSED/);

  expect(await run(migrateAll, ['--service', 'billing'])).toMatchObject({
    code: 1,
    err: expect.stringMatching(/Unknown service "billing"/),
  });
  expect(await run(createFromSchema, ['--service', 'auth-service'])).toMatchObject({
    code: 1,
    err: expect.stringMatching(/--name are required/),
  });
  expect(await run(createFromSchema, ['--service', 'user-service', '--name', 'x'])).toMatchObject({
    code: 1,
    err: expect.stringMatching(/no Prisma schema/),
  });
});
