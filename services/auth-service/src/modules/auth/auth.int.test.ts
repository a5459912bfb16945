import {
  call,
  makeUser,
  type Session,
  startTestApp,
  strongPassword,
  type TestApp,
  uniqueEmail,
} from '../../../test/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const outboxTypesOf = async (userId: string) =>
  (await t.app.context.prisma.outboxEvent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }))
    .filter((row) => (row.payload as { userId: string }).userId === userId)
    .map((row) => row.type);

describe('POST /auth/register', () => {
  it('creates the account, a session and exactly its two events', async () => {
    const email = uniqueEmail();
    const response = await call(t, 'POST', '/auth/register', {
      body: { email: email.toUpperCase(), password: strongPassword, displayName: 'Ada' },
    });
    expect(response.statusCode).toBe(201);
    const session = response.json<Session>();
    expect(session.user).toMatchObject({ email, roles: ['user'], emailVerified: false });
    expect(session.expiresIn).toBe(900);
    expect(await outboxTypesOf(session.user.id)).toEqual(['user.created', 'user.email.verification.requested']);
    const row = await t.app.context.prisma.user.findUniqueOrThrow({ where: { id: session.user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.version).toBe(1);
  });

  it('refuses a taken email with 409 and writes no event', async () => {
    const { email, session } = await makeUser(t);
    const again = await call(t, 'POST', '/auth/register', { body: { email, password: strongPassword } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('EMAIL_TAKEN');
    expect(await outboxTypesOf(session.user.id)).toHaveLength(2);
  });

  it.each([
    ['too short', 'abc123'],
    ['too long', 'x'.repeat(129)],
    ['common', 'password123'],
  ])('refuses a %s password with 400 naming the field', async (_label, password) => {
    const response = await call(t, 'POST', '/auth/register', { body: { email: uniqueEmail(), password } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'body.password' })]);
  });

  it('refuses a malformed email with 400', async () => {
    const response = await call(t, 'POST', '/auth/register', {
      body: { email: 'not-an-email', password: strongPassword },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('POST /auth/login', () => {
  it('signs in with the right password', async () => {
    const { email, session } = await makeUser(t);
    const response = await call(t, 'POST', '/auth/login', { body: { email, password: strongPassword } });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.id).toBe(session.user.id);
    const me = await call(t, 'GET', '/auth/me', { token: response.json().accessToken });
    expect(me.json()).toMatchObject({ id: session.user.id, email, displayName: null, status: 'active' });
  });

  it('answers an unknown email exactly like a wrong password (no enumeration)', async () => {
    const { email } = await makeUser(t);
    const wrong = await call(t, 'POST', '/auth/login', { body: { email, password: 'not-the-password-1' } });
    const unknown = await call(t, 'POST', '/auth/login', {
      body: { email: uniqueEmail(), password: 'not-the-password-1' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
  });

  it('audits failures without secrets', async () => {
    const { email, session } = await makeUser(t);
    await call(t, 'POST', '/auth/login', { body: { email, password: 'secret-guess-99' } });
    const rows = await t.app.context.prisma.securityAuditLog.findMany({
      where: { userId: session.user.id, event: 'login_failed' },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userAgent: 'auth-service-tests', details: { reason: 'wrong_password' } });
    expect(JSON.stringify(rows)).not.toContain('secret-guess-99');
  });
});

describe('GET /auth/me', () => {
  it('needs a bearer token', async () => {
    const response = await call(t, 'GET', '/auth/me');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});
