import { exportJWK, generateKeyPair } from 'jose';
import {
  call,
  makeUser,
  randomIp,
  startTestApp,
  strongPassword,
  type TestApp,
  uniqueEmail,
} from '../../../test/testApp';

const register = (t: TestApp, ip: string, email = uniqueEmail(), password = strongPassword) =>
  call(t, 'POST', '/auth/register', { ip, body: { email, password } });

describe('rate limits come from the configuration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { AUTH_RATE_LIMIT_REGISTER: '3/10m', AUTH_RATE_LIMIT_DEFAULT: '4/1m', LOGIN_LOCKOUT_THRESHOLD: '2' },
    });
  });
  afterAll(() => t?.close());

  it('counts every registration of a client IP, a 400 and a 409 included', async () => {
    const ip = randomIp();
    const { email } = await makeUser(t);
    expect((await register(t, ip, 'not-an-email')).statusCode).toBe(400);
    expect((await register(t, ip, email)).statusCode).toBe(409);
    expect((await register(t, ip)).statusCode).toBe(201);
    const limited = await register(t, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(500);
    expect((await register(t, randomIp())).statusCode).toBe(201);
  });

  it('applies the default budget to a route without its own', async () => {
    const ip = randomIp();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(t, 'GET', '/.well-known/jwks.json', { ip })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('locks an account after the configured number of failures', async () => {
    const { email, password } = await makeUser(t);
    for (let i = 0; i < 2; i++) {
      expect((await call(t, 'POST', '/auth/login', { body: { email, password: 'wrong-password-0' } })).statusCode).toBe(
        401,
      );
    }
    const locked = await call(t, 'POST', '/auth/login', { body: { email, password } });
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
  });
});

describe('development defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Development as `npm run dev` runs it, with a key given so that none is written under .dev/.
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const key = { ...(await exportJWK(privateKey)), kid: 'dev-test' };
    t = await startTestApp({ env: { NODE_ENV: 'development', AUTH_SIGNING_KEYS: JSON.stringify([key]) } });
  });
  afterAll(() => t?.close());

  it("let a developer's script register a hundred accounts from one address, mistakes included", async () => {
    const ip = randomIp();
    const { email } = await makeUser(t);
    expect((await register(t, ip, 'not-an-email')).statusCode).toBe(400);
    expect((await register(t, ip, email)).statusCode).toBe(409);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const { statusCode } = await register(t, ip);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 201: 100 });
  }, 60_000);
});
