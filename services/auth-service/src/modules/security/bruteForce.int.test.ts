import { call, makeUser, randomIp, startTestApp, type TestApp, uniqueEmail } from '../../../test/testApp';
import { freePort } from '../../../test/fauxqsProcess';

describe('with Redis up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { LOGIN_LOCKOUT_THRESHOLD: '3', LOGIN_LOCKOUT_BASE_SECONDS: '60' } });
  });
  afterAll(() => t?.close());

  const login = (email: string, password: string) => call(t, 'POST', '/auth/login', { body: { email, password } });

  it('locks an account after repeated failures: 429 with Retry-After, even for the right password', async () => {
    const { email, password, session } = await makeUser(t);
    for (let i = 0; i < 3; i++) expect((await login(email, 'wrong-password-0')).statusCode).toBe(401);
    const locked = await login(email, password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(50);
    const audit = await t.app.context.prisma.securityAuditLog.findMany({
      where: { userId: session.user.id, event: 'account_locked' },
    });
    expect(audit).toHaveLength(1);
  });

  it('a client cannot escape the per-IP limit by writing X-Forwarded-For: only the hop the proxy added counts', async () => {
    const realIp = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      // The client forges the left part; the trusted proxy (one hop) appends the address it saw.
      const response = await call(t, 'POST', '/auth/login', {
        body: { email: uniqueEmail(), password: 'wrong-password-0' },
        ip: `${randomIp()}, ${realIp}`,
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    const audit = await t.app.context.prisma.securityAuditLog.findFirst({
      where: { event: 'login_failed', ip: realIp },
    });
    expect(audit).not.toBeNull();
  });

  it('locks unknown emails the same way (no enumeration through lockout)', async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 3; i++) expect((await login(email, 'wrong-password-0')).statusCode).toBe(401);
    expect((await login(email, 'wrong-password-0')).json().error.code).toBe('ACCOUNT_LOCKED');
  });

  it('makes each further lockout within a day longer', async () => {
    const account = uniqueEmail();
    const { lockout } = t.app.context;
    const lockFor = async () => {
      let seconds = 0;
      for (let i = 0; i < 3; i++) seconds = await lockout.recordFailure(account);
      return seconds;
    };
    expect(await lockFor()).toBe(60);
    await lockout.recordSuccess(account); // the lock ends (as if it expired); the history stays
    expect(await lockFor()).toBe(120);
    expect(await lockout.lockedForSeconds(account)).toBeGreaterThan(100);
  });

  it('limits a route per client IP with 429 and Retry-After, leaving other IPs alone', async () => {
    const ip = randomIp();
    const forgot = (from: string) =>
      call(t, 'POST', '/auth/password/forgot', { ip: from, body: { email: uniqueEmail() } });
    for (let i = 0; i < 5; i++) expect((await forgot(ip)).statusCode).toBe(202);
    const limited = await forgot(ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await forgot(randomIp())).statusCode).toBe(202);
  });
});

describe('with Redis down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
  });
  afterAll(() => t?.close());

  it('still serves, reports degraded, and keeps limiting in memory', async () => {
    const { email, password } = await makeUser(t);
    expect((await call(t, 'POST', '/auth/login', { body: { email, password } })).statusCode).toBe(200);
    const ready = await call(t, 'GET', '/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { redis: { status: 'failed' } } });

    const ip = randomIp();
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await call(t, 'POST', '/auth/password/forgot', { ip, body: { email: uniqueEmail() } })).statusCode,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });
});
