import { call, latestMailToken, makeUser, outboxTypesOf, startTestApp, type TestApp } from '../../../test/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const verify = (token: string) => call(t, 'POST', '/auth/email/verify', { body: { token } });

describe('email verification', () => {
  it('verifies with the token from the registration mail, once', async () => {
    const { session } = await makeUser(t);
    const token = await latestMailToken(t, session.user.id, 'user.email.verification.requested');
    const response = await verify(token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: session.user.id, emailVerified: true });
    expect(await outboxTypesOf(t, session.user.id)).toEqual([
      'user.created',
      'user.email.verification.requested',
      'user.email.verified',
    ]);
    const row = await t.app.context.prisma.user.findUniqueOrThrow({ where: { id: session.user.id } });
    expect(row.version).toBe(2);
    expect((await verify(token)).statusCode).toBe(400);
  });

  it('a new request (202) invalidates the earlier token', async () => {
    const { session } = await makeUser(t);
    const first = await latestMailToken(t, session.user.id, 'user.email.verification.requested');
    const again = await call(t, 'POST', '/auth/email/verification', { token: session.accessToken });
    expect(again.statusCode).toBe(202);
    const second = await latestMailToken(t, session.user.id, 'user.email.verification.requested');
    expect(second).not.toBe(first);
    expect((await verify(first)).json().error.code).toBe('INVALID_TOKEN');
    expect((await verify(second)).statusCode).toBe(200);
  });

  it('refuses a request once verified (409), without a token (401), and an unknown token (400)', async () => {
    const { session } = await makeUser(t);
    await verify(await latestMailToken(t, session.user.id, 'user.email.verification.requested'));
    expect((await call(t, 'POST', '/auth/email/verification', { token: session.accessToken })).statusCode).toBe(409);
    expect((await call(t, 'POST', '/auth/email/verification')).statusCode).toBe(401);
    expect((await verify('y'.repeat(43))).statusCode).toBe(400);
  });

  it('stores verification tokens only hashed', async () => {
    const { session } = await makeUser(t);
    const token = await latestMailToken(t, session.user.id, 'user.email.verification.requested');
    const rows = await t.app.context.prisma.emailVerificationToken.findMany({ where: { userId: session.user.id } });
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBeCloseTo(24 * 3600 * 1000, -4);
  });
});
