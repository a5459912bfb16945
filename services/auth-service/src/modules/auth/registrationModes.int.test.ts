import {
  call,
  outboxTypesOf,
  startTestApp,
  strongPassword,
  type TestApp,
  uniqueEmail,
  whileTableLocked,
} from '../../../test/testApp';

const register = (t: TestApp, email: string, password = strongPassword) =>
  call(t, 'POST', '/auth/register', { body: { email, password, displayName: 'Grace' } });

describe('registration, reveal mode (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('signs a new account in at once (201 with tokens) and says 409 EMAIL_TAKEN for a taken email', async () => {
    expect(t.config.AUTH_REGISTRATION_ENUMERATION).toBe('reveal');
    const email = uniqueEmail();
    const created = await register(t, email);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ user: { email }, accessToken: expect.any(String) });
    const taken = await register(t, email);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('EMAIL_TAKEN');
  });
});

describe('registration, conceal mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_REGISTRATION_ENUMERATION: 'conceal' } });
  });
  afterAll(() => t?.close());

  it('answers a new and a taken email alike, before touching the accounts', async () => {
    const { email: takenEmail, session: owner } = await makeUserInConcealMode(t);
    const newEmail = uniqueEmail();
    const [fresh, taken] = await whileTableLocked(t, 'users', async () => [
      await register(t, newEmail),
      await register(t, takenEmail, 'another-long-passphrase-9'),
    ]);
    expect([fresh.statusCode, taken.statusCode]).toEqual([202, 202]);
    expect(fresh.json()).toEqual({ status: 'accepted' });
    expect(taken.body).toBe(fresh.body);
    expect(Object.keys(taken.headers).sort()).toEqual(Object.keys(fresh.headers).sort());
    await t.app.context.deferred.settled();

    // The new account exists and got its verification mail; its owner signs in.
    const created = await t.app.context.prisma.user.findUniqueOrThrow({ where: { email: newEmail } });
    expect(await outboxTypesOf(t, created.id)).toEqual(['user.created', 'user.email.verification.requested']);
    const login = await call(t, 'POST', '/auth/login', { body: { email: newEmail, password: strongPassword } });
    expect(login.statusCode).toBe(200);

    // The taken email: no second account, the old password still the one, and its owner is told by mail.
    expect(await t.app.context.prisma.user.count({ where: { email: takenEmail } })).toBe(1);
    expect(await outboxTypesOf(t, owner.id)).toContain('user.registration.attempted');
    const audit = await t.app.context.prisma.securityAuditLog.count({
      where: { event: 'registration_with_taken_email', userId: owner.id },
    });
    expect(audit).toBe(1);
    const intruder = await call(t, 'POST', '/auth/login', {
      body: { email: takenEmail, password: 'another-long-passphrase-9' },
    });
    expect(intruder.statusCode).toBe(401);
  });

  it('still says what is wrong with bad input (that reveals nothing about accounts)', async () => {
    const response = await register(t, 'not-an-email');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });
});

/** makeUser expects 201: in conceal mode the account is made after the 202, then read back. */
async function makeUserInConcealMode(t: TestApp) {
  const email = uniqueEmail();
  expect((await register(t, email)).statusCode).toBe(202);
  await t.app.context.deferred.settled();
  const user = await t.app.context.prisma.user.findUniqueOrThrow({ where: { email } });
  return { email, session: { id: user.id } };
}
