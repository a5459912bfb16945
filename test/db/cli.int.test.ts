import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateAll } from '../../scripts/dbMigrate';
import { createFromSchema } from '../../scripts/dbMigrationCreate';
import { Client } from 'pg';
import { dropDatabase, quoteIdent, withDatabase } from '../../scripts/db/pgUrl';

// The CLIs run in-process against a temporary repo root holding only auth-service's schema, connected
// as a role of their own whose password is distinctive: the server's own credentials can be common
// words (testcontainers' user and password are both `test`), which output may contain for other
// reasons; this one appears nowhere unless a CLI prints it.
const SERVER_URL = process.env.TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const suffix = randomBytes(4).toString('hex');
const ROLE = `wasm_cli_test_${suffix}`;
const PASSWORD = `cli-pw-${randomBytes(9).toString('base64url')}`; // also checked under trust auth
const cliServer = new URL(SERVER_URL);
cliServer.username = ROLE;
cliServer.password = PASSWORD;
const AUTH_URL = withDatabase(cliServer.toString(), `wasm_cli_test_${suffix}`);

async function asServerAdmin(sql: string) {
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

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

beforeAll(async () => {
  await asServerAdmin(
    `CREATE ROLE ${quoteIdent(ROLE)} LOGIN CREATEDB PASSWORD '${PASSWORD}'`, // base64url: no quote to escape
  );
  root = mkdtempSync(path.join(tmpdir(), 'db-cli-'));
  const schema = path.join(root, 'services/auth-service/prisma/schema.prisma');
  mkdirSync(path.dirname(schema), { recursive: true });
  copyFileSync(path.join(__dirname, 'fixtures/schema.prisma'), schema);
});

afterAll(async () => {
  await dropDatabase(AUTH_URL);
  await asServerAdmin(`DROP ROLE IF EXISTS ${quoteIdent(ROLE)}`);
  rmSync(root, { recursive: true, force: true });
});

test('db:migration:create then db:migrate, masking the password and skipping services without a schema', async () => {
  const created = await run(createFromSchema, ['--service', 'auth-service', '--name', 'init']);
  expect(created).toMatchObject({ code: 0, err: '' });
  expect(created.out).toMatch(/review services\/auth-service\/prisma\/migrations\/\d{14}_init\/migration\.sql/);

  const first = await run(migrateAll, []);
  expect(first.code).toBe(0);
  expect(first.out).toContain('user-service: skipped, no Prisma schema');
  expect(first.out).toMatch(/auth-service \(postgres(?:ql)?:\/\/[^ ]*:\*\*\*\*@[^ ]*\): applied \d{14}_init/);

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
