import { call, makeUser, type Session, startTestApp, type TestApp } from '../../../test/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const refresh = (refreshToken: string) => call(t, 'POST', '/auth/refresh', { body: { refreshToken } });

describe('refresh rotation', () => {
  it('gives a new pair and spends the old refresh token', async () => {
    const { session } = await makeUser(t);
    const rotated = await refresh(session.refreshToken);
    expect(rotated.statusCode).toBe(200);
    const next = rotated.json<Session>();
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect((await refresh(next.refreshToken)).statusCode).toBe(200);
  });

  it('treats reuse of a rotated token as theft: 401, whole family revoked, audited', async () => {
    const { session } = await makeUser(t);
    const next = (await refresh(session.refreshToken)).json<Session>();
    const reuse = await refresh(session.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().error.code).toBe('INVALID_REFRESH_TOKEN');
    // The thief's successor token dies with the family.
    expect((await refresh(next.refreshToken)).statusCode).toBe(401);
    const audit = await t.app.context.prisma.securityAuditLog.findMany({
      where: { userId: session.user.id, event: 'refresh_token_reused' },
    });
    expect(audit).toHaveLength(1);
  });

  it('lets only one of two concurrent uses of a token win', async () => {
    const { session } = await makeUser(t);
    const results = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('rejects an unknown token', async () => {
    expect((await refresh('x'.repeat(43))).statusCode).toBe(401);
  });

  it('stores only the SHA-256 of refresh tokens', async () => {
    const { session } = await makeUser(t);
    const rows = await t.app.context.prisma.refreshToken.findMany({ where: { userId: session.user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(session.refreshToken);
  });
});

describe('logout', () => {
  it('POST /auth/logout ends that session (204) and is idempotent', async () => {
    const { session } = await makeUser(t);
    expect((await call(t, 'POST', '/auth/logout', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(
      204,
    );
    expect((await call(t, 'POST', '/auth/logout', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(
      204,
    );
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    // Its access token ends at once too, not when it expires.
    const me = await call(t, 'GET', '/auth/me', { token: session.accessToken });
    expect([me.statusCode, me.json().error.code]).toEqual([401, 'TOKEN_REVOKED']);
  });

  it('POST /auth/logout-all revokes every session of the user', async () => {
    const { email, password, session } = await makeUser(t);
    const second = (await call(t, 'POST', '/auth/login', { body: { email, password } })).json<Session>();
    const response = await call(t, 'POST', '/auth/logout-all', { token: session.accessToken });
    expect(response.statusCode).toBe(204);
    expect((await refresh(session.refreshToken)).statusCode).toBe(401);
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    for (const token of [session.accessToken, second.accessToken]) {
      expect((await call(t, 'GET', '/auth/me', { token })).statusCode).toBe(401);
    }
  });

  it('a refresh token used twice ends the access tokens of its session too', async () => {
    const { session } = await makeUser(t);
    const next = (await refresh(session.refreshToken)).json<Session>();
    expect((await call(t, 'GET', '/auth/me', { token: next.accessToken })).statusCode).toBe(200);
    await refresh(session.refreshToken); // reuse: theft
    expect((await call(t, 'GET', '/auth/me', { token: next.accessToken })).statusCode).toBe(401);
  });

  it('POST /auth/logout-all needs a bearer token', async () => {
    expect((await call(t, 'POST', '/auth/logout-all')).statusCode).toBe(401);
  });
});
