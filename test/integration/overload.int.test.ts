import { Pool } from 'pg';
import { createPrisma } from '../../services/auth-service/src/infrastructure/database';
import {
  call,
  randomIp,
  startTestApp,
  strongPassword,
  type HttpResponse,
  uniqueEmail,
} from '../../services/auth-service/test/testApp';

/**
 * Past capacity, work is refused early with 503 and Retry-After (or 429 for a client over its
 * budget), never queued until it times out into a 500. 200 registrations arrive at once, each from
 * its own address (so the per-IP limit does not answer for the capacity).
 */
jest.setTimeout(120_000);

const BURST = 200;

const register = (t: Parameters<typeof call>[0]) =>
  call(t, 'POST', '/auth/register', {
    ip: randomIp(),
    body: { email: uniqueEmail('burst'), password: strongPassword },
  });

/** Answers by status; every 503 must say what is at capacity and when to retry. */
function tally(answers: HttpResponse[]) {
  const byStatus: Record<number, number> = {};
  for (const answer of answers) {
    byStatus[answer.statusCode] = (byStatus[answer.statusCode] ?? 0) + 1;
    if (answer.statusCode === 503) {
      expect(answer.json().error).toMatchObject({ code: 'OVERLOADED', details: { resource: expect.any(String) } });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
  }
  return byStatus;
}

it('more registrations than argon2 takes on: 201 or 503 OVERLOADED at once, never 500', async () => {
  const t = await startTestApp({ env: { ARGON2_CONCURRENCY: '1', ARGON2_MAX_WAITING: '4' } });
  try {
    const answers = await Promise.all(Array.from({ length: BURST }, () => register(t)));
    const byStatus = tally(answers);
    expect(Object.keys(byStatus).map(Number).sort()).toEqual([201, 503]);
    expect(answers.filter((answer) => answer.statusCode === 503)[0]!.json().error.details).toEqual({
      resource: 'argon2',
    });
    // What was accepted is complete: an account, a session.
    const created = answers.filter((answer) => answer.statusCode === 201).map((answer) => answer.json().user.id);
    expect(await t.app.context.prisma.user.count({ where: { id: { in: created } } })).toBe(created.length);
  } finally {
    await t.close();
  }
});

it('more transactions than the Postgres pool serves in time: 503 OVERLOADED naming postgres, never 500', async () => {
  const config = { NODE_ENV: 'test' as const };
  // Two connections, and short waits for one: a burst cannot be served in time.
  const pool = new Pool({ connectionString: process.env.AUTH_DATABASE_URL, max: 2, connectionTimeoutMillis: 200 });
  const prisma = createPrisma(pool, config, { poolTimeoutMs: 100 });
  const t = await startTestApp({
    env: { ARGON2_CONCURRENCY: '8', ARGON2_MAX_WAITING: String(BURST) },
    deps: { pool, prisma },
  });
  try {
    const account = await call(t, 'POST', '/auth/register', {
      body: { email: uniqueEmail('steady'), password: strongPassword },
    });
    expect(account.statusCode).toBe(201);
    const login = () =>
      call(t, 'POST', '/auth/login', {
        ip: randomIp(),
        body: { email: account.json().user.email, password: strongPassword },
      });
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, index) => (index % 4 === 0 ? login() : register(t))),
    );
    const byStatus = tally(answers);
    expect(
      Object.keys(byStatus)
        .map(Number)
        .filter((status) => ![200, 201, 503].includes(status)),
    ).toEqual([]);
    expect(byStatus[503]).toBeGreaterThan(0);
    expect(answers.find((answer) => answer.statusCode === 503)!.json().error.details).toEqual({
      resource: 'postgres',
    });
  } finally {
    await t.close();
    await prisma.$disconnect();
    await pool.end();
  }
});
