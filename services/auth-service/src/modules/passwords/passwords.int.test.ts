import {
  call,
  latestMailToken,
  makeUser,
  outboxTypesOf,
  type Session,
  startTestApp,
  type TestApp,
  uniqueEmail,
  whileTableLocked,
} from '../../../test/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const newPassword = 'amber-meadow-compass-77';

/** POST /auth/password/forgot, then the work it does after answering. */
async function forgot(email: string) {
  const response = await call(t, 'POST', '/auth/password/forgot', { body: { email } });
  await t.app.context.deferred.settled();
  return response;
}

describe('forgot and reset', () => {
  it('answers 202 alike for known and unknown emails, and mails only the known one', async () => {
    const { email, session } = await makeUser(t);
    const known = await forgot(email);
    const unknown = await forgot(uniqueEmail());
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(unknown.body).toBe(known.body);
    expect(await outboxTypesOf(t, session.user.id)).toContain('user.password.reset.requested');
  });

  it('answers before looking the account up, known or not: its timing cannot tell them apart', async () => {
    const { email, session } = await makeUser(t);
    const stranger = uniqueEmail();
    const [known, unknown] = await whileTableLocked(t, 'users', async () => [
      await call(t, 'POST', '/auth/password/forgot', { body: { email } }),
      await call(t, 'POST', '/auth/password/forgot', { body: { email: stranger } }),
    ]);
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(unknown.body).toBe(known.body);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    await t.app.context.deferred.settled();
    // The work happened afterwards, and only the known account got a token.
    expect(await outboxTypesOf(t, session.user.id)).toContain('user.password.reset.requested');
    expect(
      await t.app.context.prisma.securityAuditLog.count({
        where: { event: 'password_reset_requested', userId: session.user.id },
      }),
    ).toBe(1);
  });

  it('resets with the mailed token: 204, every session revoked, old password dead, token single-use', async () => {
    const { email, password, session } = await makeUser(t);
    await forgot(email);
    const token = await latestMailToken(t, session.user.id, 'user.password.reset.requested');
    const reset = await call(t, 'POST', '/auth/password/reset', { body: { token, password: newPassword } });
    expect(reset.statusCode).toBe(204);
    expect((await call(t, 'POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(
      401,
    );
    expect((await call(t, 'POST', '/auth/login', { body: { email, password } })).statusCode).toBe(401);
    expect((await call(t, 'POST', '/auth/login', { body: { email, password: newPassword } })).statusCode).toBe(200);
    expect((await call(t, 'POST', '/auth/password/reset', { body: { token, password: newPassword } })).statusCode).toBe(
      400,
    );
  });

  it('invalidates an earlier reset token when a new one is requested', async () => {
    const { email, session } = await makeUser(t);
    await forgot(email);
    const first = await latestMailToken(t, session.user.id, 'user.password.reset.requested');
    await forgot(email);
    const response = await call(t, 'POST', '/auth/password/reset', { body: { token: first, password: newPassword } });
    expect(response.json().error.code).toBe('INVALID_TOKEN');
  });

  it('applies the password policy to the new password', async () => {
    const response = await call(t, 'POST', '/auth/password/reset', {
      body: { token: 'z'.repeat(43), password: 'qwerty123' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /auth/password/change', () => {
  it('changes the password and ends the other sessions, keeping this one', async () => {
    const { email, password, session } = await makeUser(t);
    const other = (await call(t, 'POST', '/auth/login', { body: { email, password } })).json<Session>();
    const response = await call(t, 'POST', '/auth/password/change', {
      token: session.accessToken,
      body: { currentPassword: password, newPassword },
    });
    expect(response.statusCode).toBe(204);
    expect((await call(t, 'POST', '/auth/refresh', { body: { refreshToken: other.refreshToken } })).statusCode).toBe(
      401,
    );
    expect((await call(t, 'POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(
      200,
    );
    expect((await call(t, 'POST', '/auth/login', { body: { email, password: newPassword } })).statusCode).toBe(200);
    // Access tokens follow their sessions: the other one ends at once, this one goes on.
    expect((await call(t, 'GET', '/auth/me', { token: other.accessToken })).statusCode).toBe(401);
    expect((await call(t, 'GET', '/auth/me', { token: session.accessToken })).statusCode).toBe(200);
  });

  it('refuses a wrong current password (400) and a missing token (401)', async () => {
    const { session } = await makeUser(t);
    const wrong = await call(t, 'POST', '/auth/password/change', {
      token: session.accessToken,
      body: { currentPassword: 'not-my-password', newPassword },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('INVALID_CURRENT_PASSWORD');
    expect(
      (await call(t, 'POST', '/auth/password/change', { body: { currentPassword: 'a', newPassword } })).statusCode,
    ).toBe(401);
  });
});

describe('DELETE /auth/me', () => {
  it('needs the password, then erases personal data and publishes user.deleted', async () => {
    const { email, password, session } = await makeUser(t);
    const wrong = await call(t, 'DELETE', '/auth/me', {
      token: session.accessToken,
      body: { password: 'wrong-password-1' },
    });
    expect(wrong.statusCode).toBe(400);
    const response = await call(t, 'DELETE', '/auth/me', { token: session.accessToken, body: { password } });
    expect(response.statusCode).toBe(204);
    const row = await t.app.context.prisma.user.findUniqueOrThrow({ where: { id: session.user.id } });
    expect(row).toMatchObject({ status: 'deleted', email: null, displayName: null, passwordHash: null });
    expect((await outboxTypesOf(t, session.user.id)).at(-1)).toBe('user.deleted');
    expect((await call(t, 'GET', '/auth/me', { token: session.accessToken })).statusCode).toBe(401);
    expect((await call(t, 'POST', '/auth/login', { body: { email, password } })).statusCode).toBe(401);
    // The address is free again.
    expect((await call(t, 'POST', '/auth/register', { body: { email, password } })).statusCode).toBe(201);
  });
});
