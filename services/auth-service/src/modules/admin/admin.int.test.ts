import {
  call,
  makeUser,
  outboxTypesOf,
  type Session,
  startTestApp,
  strongPassword,
  type TestApp,
  uniqueEmail,
} from '../../../test/testApp';

const adminEmail = uniqueEmail('root');
const adminPassword = 'bootstrap-admin-password-1';
let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await startTestApp({
    env: { AUTH_BOOTSTRAP_ADMIN_EMAIL: adminEmail, AUTH_BOOTSTRAP_ADMIN_PASSWORD: adminPassword },
  });
  admin = (
    await call(t, 'POST', '/auth/login', { body: { email: adminEmail, password: adminPassword } })
  ).json<Session>();
});
afterAll(() => t?.close());

/** The session id (claim `sid`) of an access token. */
async function sessionOf(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string;
}

const asAdmin = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  call(t, method, url, { token: admin.accessToken, body });

describe('bootstrap admin', () => {
  it('is created from configuration, verified, with both roles', () => {
    expect(admin.user).toMatchObject({
      email: adminEmail,
      roles: expect.arrayContaining(['user', 'admin']),
      emailVerified: true,
    });
  });

  it('is created once, however often the service starts', async () => {
    const second = await startTestApp({
      env: { AUTH_BOOTSTRAP_ADMIN_EMAIL: adminEmail, AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'another-password-2' },
    });
    await second.close();
    expect(await t.app.context.prisma.user.count({ where: { email: adminEmail } })).toBe(1);
    expect(
      (await call(t, 'POST', '/auth/login', { body: { email: adminEmail, password: adminPassword } })).statusCode,
    ).toBe(200);
  });
});

describe('admin routes', () => {
  it('are closed to non-admins (403) and anonymous callers (401)', async () => {
    const { session } = await makeUser(t);
    expect((await call(t, 'GET', '/admin/users', { token: session.accessToken })).statusCode).toBe(403);
    expect((await call(t, 'GET', '/admin/users')).statusCode).toBe(401);
    expect((await call(t, 'GET', '/admin/audit-logs', { token: session.accessToken })).statusCode).toBe(403);
  });

  it('list users with cursor paging', async () => {
    await makeUser(t);
    await makeUser(t);
    const first = (await asAdmin('GET', '/admin/users?limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1].id);
    const second = (await asAdmin('GET', `/admin/users?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items[0].id > first.items[1].id).toBe(true);
    expect((await asAdmin('GET', '/admin/users?limit=1000')).statusCode).toBe(400);
  });

  it('deactivate: no login, no refresh, event published once; reactivate restores login', async () => {
    const { email, session } = await makeUser(t);
    const response = await asAdmin('POST', `/admin/users/${session.user.id}/deactivate`, { reason: 'fraud review' });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('deactivated');
    expect((await asAdmin('POST', `/admin/users/${session.user.id}/deactivate`)).statusCode).toBe(200); // idempotent
    expect((await call(t, 'POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(
      401,
    );
    const login = await call(t, 'POST', '/auth/login', { body: { email, password: strongPassword } });
    expect(login.statusCode).toBe(403);
    expect(login.json().error.code).toBe('ACCOUNT_DEACTIVATED');
    expect((await call(t, 'GET', '/auth/me', { token: session.accessToken })).statusCode).toBe(401);

    expect((await asAdmin('POST', `/admin/users/${session.user.id}/reactivate`)).json().status).toBe('active');
    expect((await call(t, 'POST', '/auth/login', { body: { email, password: strongPassword } })).statusCode).toBe(200);
    const types = await outboxTypesOf(t, session.user.id);
    expect(types.filter((type) => type === 'user.deactivated')).toHaveLength(1);
    expect(types.at(-1)).toBe('user.reactivated');
  });

  it('answers 404 for an unknown user and 409 when an admin deactivates themselves', async () => {
    expect((await asAdmin('POST', `/admin/users/${crypto.randomUUID()}/deactivate`)).statusCode).toBe(404);
    expect((await asAdmin('POST', `/admin/users/${admin.user.id}/deactivate`)).statusCode).toBe(409);
    expect((await asAdmin('POST', '/admin/users/not-a-uuid/deactivate')).statusCode).toBe(400);
  });

  it("changes roles: the user's sessions end at once, and the next login carries the new role", async () => {
    const { email, password, session } = await makeUser(t);
    const response = await asAdmin('PUT', `/admin/users/${session.user.id}/roles`, { roles: ['admin'] });
    expect(response.statusCode).toBe(200);
    expect(response.json().roles.sort()).toEqual(['admin', 'user']);
    // Tokens carry roles: the old session is over (access and refresh), whatever its roles were.
    expect((await call(t, 'GET', '/auth/me', { token: session.accessToken })).json().error.code).toBe('TOKEN_REVOKED');
    expect((await call(t, 'POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(
      401,
    );
    const relogged = (await call(t, 'POST', '/auth/login', { body: { email, password } })).json<Session>();
    expect((await call(t, 'GET', '/admin/users', { token: relogged.accessToken })).statusCode).toBe(200);
    expect((await asAdmin('PUT', `/admin/users/${session.user.id}/roles`, { roles: ['root'] })).statusCode).toBe(400);
    expect((await asAdmin('PUT', `/admin/users/${admin.user.id}/roles`, { roles: ['user'] })).statusCode).toBe(409);
  });

  it("a demoted admin's token grants nothing, even if its session were not ended (current state is checked)", async () => {
    const { email, password, session } = await makeUser(t);
    await asAdmin('PUT', `/admin/users/${session.user.id}/roles`, { roles: ['admin'] });
    const second = (await call(t, 'POST', '/auth/login', { body: { email, password } })).json<Session>();
    expect((await call(t, 'GET', '/admin/users', { token: second.accessToken })).statusCode).toBe(200);

    await asAdmin('PUT', `/admin/users/${session.user.id}/roles`, { roles: ['user'] });
    // With the old token, the demoted admin tries to make someone else an admin.
    const accomplice = await makeUser(t);
    const promote = `/admin/users/${accomplice.session.user.id}/roles`;
    const stale = { token: second.accessToken, body: { roles: ['admin'] } };
    expect((await call(t, 'PUT', promote, stale)).json().error.code).toBe('TOKEN_REVOKED');
    // Even with the revocation lost (Redis flushed), the admin routes read the caller's current roles.
    await t.app.context.redis.del(`auth:revoked-session:${await sessionOf(second.accessToken)}`);
    expect((await call(t, 'PUT', promote, stale)).statusCode).toBe(403);
    const roles = await t.app.context.prisma.userRole.findMany({ where: { userId: accomplice.session.user.id } });
    expect(roles.map((role) => role.roleName)).toEqual(['user']);
  });

  it("a deactivated admin's token grants nothing", async () => {
    const { email, password, session } = await makeUser(t);
    await asAdmin('PUT', `/admin/users/${session.user.id}/roles`, { roles: ['admin'] });
    const adminSession = (await call(t, 'POST', '/auth/login', { body: { email, password } })).json<Session>();
    await asAdmin('POST', `/admin/users/${session.user.id}/deactivate`);
    const attempt = await call(t, 'POST', `/admin/users/${admin.user.id}/deactivate`, {
      token: adminSession.accessToken,
    });
    expect(attempt.statusCode).toBe(401);
    expect(attempt.json().error.code).toBe('TOKEN_REVOKED');
  });

  it('a deactivation reason with an unpaired surrogate or a NUL is a 400 naming it, never a 500', async () => {
    const { session } = await makeUser(t);
    for (const payload of ['{"reason":"spam \\ud800"}', '{"reason":"spam \\u0000"}']) {
      const response = await t.app.inject({
        method: 'POST',
        url: `/admin/users/${session.user.id}/deactivate`,
        headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([{ field: 'body.reason', message: expect.any(String) }]);
    }
  });

  it('reads the audit log of a user, newest first, without secrets', async () => {
    const { email, session } = await makeUser(t);
    await call(t, 'POST', '/auth/login', { body: { email, password: 'wrong-password-9' } });
    await asAdmin('POST', `/admin/users/${session.user.id}/deactivate`);
    const page = (await asAdmin('GET', `/admin/audit-logs?userId=${session.user.id}&limit=10`)).json();
    expect(page.items.map((item: { event: string }) => item.event)).toEqual([
      'user_deactivated',
      'login_failed',
      'email_verification_requested',
      'user_registered',
    ]);
    expect(page.items[0]).toMatchObject({
      actorId: admin.user.id,
      userAgent: 'auth-service-tests',
      ip: expect.any(String),
    });
    expect(JSON.stringify(page)).not.toContain('wrong-password-9');
  });
});
