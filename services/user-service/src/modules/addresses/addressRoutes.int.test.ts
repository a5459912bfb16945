import { buildTestApp, givenUser } from '../../../test/testApp';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

const makeAddress = (overrides: Record<string, unknown> = {}) => ({
  recipientName: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'gb',
  ...overrides,
});

describe('addresses', () => {
  it('adds, lists, changes and removes addresses; the first one becomes the default', async () => {
    const user = await givenUser(t);
    const first = await t.inject({
      method: 'POST',
      url: '/users/me/addresses',
      headers: user.auth,
      payload: makeAddress(),
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ country: 'GB', isDefault: true, line2: null });

    const second = await t.inject({
      method: 'POST',
      url: '/users/me/addresses',
      headers: user.auth,
      payload: makeAddress({ city: 'Paris', country: 'FR' }),
    });
    expect(second.json()).toMatchObject({ isDefault: false });

    const patched = await t.inject({
      method: 'PATCH',
      url: `/users/me/addresses/${second.json().id}`,
      headers: user.auth,
      payload: { isDefault: true, line2: 'Flat 2' },
    });
    expect(patched.json()).toMatchObject({ isDefault: true, line2: 'Flat 2', city: 'Paris' });

    const list = await t.inject({ method: 'GET', url: '/users/me/addresses', headers: user.auth });
    expect(list.json().items.map((a: { city: string; isDefault: boolean }) => [a.city, a.isDefault])).toEqual([
      ['Paris', true],
      ['London', false],
    ]);

    // Removing the default hands it to the remaining address: there is always one while any exist.
    expect(
      (await t.inject({ method: 'DELETE', url: `/users/me/addresses/${second.json().id}`, headers: user.auth }))
        .statusCode,
    ).toBe(204);
    const after = await t.inject({ method: 'GET', url: '/users/me/addresses', headers: user.auth });
    expect(after.json().items).toEqual([expect.objectContaining({ city: 'London', isDefault: true })]);
  });

  it('keeps one default when a new address asks to be the default', async () => {
    const user = await givenUser(t);
    await t.inject({ method: 'POST', url: '/users/me/addresses', headers: user.auth, payload: makeAddress() });
    await t.inject({
      method: 'POST',
      url: '/users/me/addresses',
      headers: user.auth,
      payload: makeAddress({ city: 'Rome', country: 'IT', isDefault: true }),
    });
    const { items } = (await t.inject({ method: 'GET', url: '/users/me/addresses', headers: user.auth })).json();
    expect(items.filter((a: { isDefault: boolean }) => a.isDefault).map((a: { city: string }) => a.city)).toEqual([
      'Rome',
    ]);
  });

  it('400 for an unknown country code or missing fields, with the field named', async () => {
    const user = await givenUser(t);
    const badCountry = await t.inject({
      method: 'POST',
      url: '/users/me/addresses',
      headers: user.auth,
      payload: makeAddress({ country: 'XX' }),
    });
    expect(badCountry.statusCode).toBe(400);
    expect(badCountry.json().error.details).toEqual([expect.objectContaining({ field: 'body.country' })]);
    const missing = await t.inject({
      method: 'POST',
      url: '/users/me/addresses',
      headers: user.auth,
      payload: { country: 'DE' },
    });
    expect(missing.statusCode).toBe(400);
  });

  it('another user’s address is a 404, and nobody else sees it', async () => {
    const [alice, bob] = [await givenUser(t), await givenUser(t)];
    const created = (
      await t.inject({ method: 'POST', url: '/users/me/addresses', headers: alice.auth, payload: makeAddress() })
    ).json();
    expect(
      (
        await t.inject({
          method: 'PATCH',
          url: `/users/me/addresses/${created.id}`,
          headers: bob.auth,
          payload: { city: 'x' },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'DELETE', url: `/users/me/addresses/${created.id}`, headers: bob.auth })).statusCode,
    ).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/users/me/addresses', headers: bob.auth })).json().items).toEqual([]);
  });

  it('401 without a token and 403 for a deactivated profile', async () => {
    expect((await t.inject({ method: 'GET', url: '/users/me/addresses' })).statusCode).toBe(401);
    const user = await givenUser(t, { status: 'deactivated' });
    expect(
      (await t.inject({ method: 'POST', url: '/users/me/addresses', headers: user.auth, payload: makeAddress() }))
        .statusCode,
    ).toBe(403);
  });
});
