import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { buildTestApp, givenUser } from '../../test/testApp';

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

const randomIp = () => {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${(c! % 250) + 1}`;
};

/** GET /users/me `times` times from the given address; the status codes in order. */
async function statusesOf(t: TestApp, times: number, headers: Record<string, string>) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    statuses.push((await t.inject({ method: 'GET', url: '/users/me', headers })).statusCode);
  }
  return statuses;
}

// One hop of X-Forwarded-For is believed, so a test chooses its client address.
const env = { USER_RATE_LIMIT_PER_USER: '5/1m', USER_RATE_LIMIT_PER_IP: '3/1m', USER_TRUST_PROXY: 'true' };

describe('user-service rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env });
  });
  afterAll(() => t?.app.close());

  it('limits an authenticated client by its user, whatever address it comes from', async () => {
    const [alice, bob] = [await givenUser(t), await givenUser(t)];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await t.inject({ method: 'GET', url: '/users/me', headers: { ...alice.auth, 'x-forwarded-for': randomIp() } }))
          .statusCode,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await t.inject({ method: 'GET', url: '/users/me', headers: alice.auth });
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await statusesOf(t, 1, bob.auth)).toEqual([200]);
  });

  it('limits requests without a valid token by client address', async () => {
    const ip = randomIp();
    const forged = { authorization: 'Bearer not.a.token', 'x-forwarded-for': ip };
    expect(await statusesOf(t, 4, forged)).toEqual([401, 401, 401, 429]);
    expect(await statusesOf(t, 1, { 'x-forwarded-for': ip })).toEqual([429]);
    expect(await statusesOf(t, 1, { 'x-forwarded-for': randomIp() })).toEqual([401]);
    // A user with a valid token from that address is counted as that user, not as the address.
    const user = await givenUser(t);
    expect(await statusesOf(t, 1, { ...user.auth, 'x-forwarded-for': ip })).toEqual([200]);
  });
});

describe('user-service rate limits with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    t = await buildTestApp({ env: { ...env, REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(() => t?.app.close());

  it('keeps limiting in memory', async () => {
    const user = await givenUser(t);
    expect(await statusesOf(t, 6, user.auth)).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
