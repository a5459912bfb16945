import { handleOne } from '@platform/shared/messaging';
import { randomUUID } from 'node:crypto';
import { asQueueMessage, buildTestApp, givenUser, makeEvent } from '../../../test/testApp';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

describe('GET /users/me', () => {
  it('returns the caller’s profile', async () => {
    const user = await givenUser(t, { displayName: 'Ada' });
    const response = await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: user.userId,
      email: user.email,
      displayName: 'Ada',
      emailVerified: false,
      status: 'active',
    });
  });

  it('401 without a token, with a forged token, or with a token from another issuer', async () => {
    const stranger = await buildTestApp(); // same issuer, different signing key
    const forged = await stranger.tokenFor(randomUUID());
    await stranger.app.close();
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${forged}` },
    ]) {
      const response = await t.inject({ method: 'GET', url: '/users/me', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toMatch(/MISSING_TOKEN|INVALID_TOKEN/);
    }
  });

  it('404 PROFILE_NOT_FOUND with Retry-After right after register, then the profile once user.created is applied', async () => {
    const userId = randomUUID();
    const headers = { authorization: `Bearer ${await t.tokenFor(userId)}` };
    const before = await t.inject({ method: 'GET', url: '/users/me', headers });
    expect(before.statusCode).toBe(404);
    expect(before.headers['retry-after']).toBe('1');
    expect(before.json().error.code).toBe('PROFILE_NOT_FOUND');

    await handleOne(
      t.app.context.queueHandlers['user-profile-events'],
      asQueueMessage(makeEvent('user.created', userId, 1)),
    );
    // The 404 was not cached: the profile shows at once.
    expect((await t.inject({ method: 'GET', url: '/users/me', headers })).statusCode).toBe(200);
  });

  it('403 for a deactivated or deleted profile', async () => {
    for (const [status, code] of [
      ['deactivated', 'PROFILE_DEACTIVATED'],
      ['deleted', 'PROFILE_DELETED'],
    ] as const) {
      const user = await givenUser(t, { status });
      const response = await t.inject({ method: 'GET', url: '/users/me', headers: user.auth });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe(code);
    }
  });
});

describe('PATCH /users/me', () => {
  it('changes display name, phone and avatar, and the next read shows it (cache invalidated)', async () => {
    const user = await givenUser(t);
    await t.inject({ method: 'GET', url: '/users/me', headers: user.auth }); // warm the cache
    const patch = { displayName: 'Countess', phone: '+442071234567', avatarUrl: 'https://cdn.example.test/a.png' };
    const response = await t.inject({ method: 'PATCH', url: '/users/me', headers: user.auth, payload: patch });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject(patch);
    expect((await t.inject({ method: 'GET', url: '/users/me', headers: user.auth })).json()).toMatchObject(patch);
  });

  it('400 with field details for bad input; email and status cannot be changed here', async () => {
    const user = await givenUser(t);
    for (const payload of [
      { phone: '12345' },
      { avatarUrl: 'http://insecure.example' },
      { email: 'x@example.test' },
      { status: 'active' },
      {},
      { displayName: '' },
    ]) {
      const response = await t.inject({ method: 'PATCH', url: '/users/me', headers: user.auth, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: expect.any(Array) });
    }
  });

  it('403 for a deactivated profile', async () => {
    const user = await givenUser(t, { status: 'deactivated' });
    const response = await t.inject({
      method: 'PATCH',
      url: '/users/me',
      headers: user.auth,
      payload: { displayName: 'x' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('GET /users/:id', () => {
  it('the caller may read their own profile by id', async () => {
    const user = await givenUser(t);
    const response = await t.inject({ method: 'GET', url: `/users/${user.userId}`, headers: user.auth });
    expect(response.statusCode).toBe(200);
    expect(response.json().id).toBe(user.userId);
  });

  it('another user gets 404, never 403, so ids cannot be probed', async () => {
    const [alice, bob] = [await givenUser(t), await givenUser(t)];
    const response = await t.inject({ method: 'GET', url: `/users/${bob.userId}`, headers: alice.auth });
    expect(response.statusCode).toBe(404);
  });

  it('an admin may read any profile, a deactivated one or a tombstone included', async () => {
    const admin = await givenUser(t, { roles: ['user', 'admin'] });
    const deactivated = await givenUser(t, { status: 'deactivated' });
    const deleted = await givenUser(t, { status: 'deleted' });
    expect(
      (await t.inject({ method: 'GET', url: `/users/${deactivated.userId}`, headers: admin.auth })).json(),
    ).toMatchObject({ status: 'deactivated' });
    expect(
      (await t.inject({ method: 'GET', url: `/users/${deleted.userId}`, headers: admin.auth })).json(),
    ).toMatchObject({ status: 'deleted', email: null });
    expect((await t.inject({ method: 'GET', url: `/users/${randomUUID()}`, headers: admin.auth })).statusCode).toBe(
      404,
    );
  });

  it('400 for an id that is not a UUID', async () => {
    const user = await givenUser(t);
    const response = await t.inject({ method: 'GET', url: '/users/not-a-uuid', headers: user.auth });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('params.id');
  });
});
