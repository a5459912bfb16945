import { buildTestApp, givenUser } from '../../../test/testApp';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

const defaults = {
  language: 'en',
  currency: 'USD',
  timezone: 'UTC',
  theme: 'system',
  emailNotifications: true,
  smsNotifications: false,
  marketingEmails: false,
};

describe('preferences', () => {
  it('a new profile has the defaults', async () => {
    const user = await givenUser(t);
    const response = await t.inject({ method: 'GET', url: '/users/me/preferences', headers: user.auth });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(defaults);
  });

  it('PUT replaces them; a field left out goes back to its default', async () => {
    const user = await givenUser(t);
    const chosen = {
      language: 'pt-BR',
      currency: 'EUR',
      timezone: 'Europe/Berlin',
      theme: 'dark',
      emailNotifications: false,
      smsNotifications: true,
      marketingEmails: true,
    };
    expect(
      (await t.inject({ method: 'PUT', url: '/users/me/preferences', headers: user.auth, payload: chosen })).json(),
    ).toEqual(chosen);
    expect((await t.inject({ method: 'GET', url: '/users/me/preferences', headers: user.auth })).json()).toEqual(
      chosen,
    );
    expect(
      (
        await t.inject({ method: 'PUT', url: '/users/me/preferences', headers: user.auth, payload: { theme: 'light' } })
      ).json(),
    ).toEqual({ ...defaults, theme: 'light' });
  });

  it.each([
    { currency: 'XYZ' },
    { timezone: 'Mars/Olympus' },
    { language: 'english' },
    { theme: 'neon' },
    { emailNotifications: 'yes' },
    { unknown: true },
  ])('400 for %p', async (payload) => {
    const user = await givenUser(t);
    const response = await t.inject({ method: 'PUT', url: '/users/me/preferences', headers: user.auth, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('401 without a token, 403 when deactivated', async () => {
    expect((await t.inject({ method: 'PUT', url: '/users/me/preferences', payload: {} })).statusCode).toBe(401);
    const user = await givenUser(t, { status: 'deactivated' });
    expect((await t.inject({ method: 'GET', url: '/users/me/preferences', headers: user.auth })).statusCode).toBe(403);
  });
});
