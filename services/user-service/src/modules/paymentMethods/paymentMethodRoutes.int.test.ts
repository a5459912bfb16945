import { randomUUID } from 'node:crypto';
import { buildTestApp, givenUser } from '../../../test/testApp';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

const makeCard = (overrides: Record<string, unknown> = {}) => ({
  provider: 'stripe',
  // Letters break digit runs: a token with 13+ digits in a row may look like a card number.
  token: `pm_${randomUUID().replace(/-/g, 'x')}`,
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 2,
  ...overrides,
});

describe('payment methods', () => {
  it('saves tokenized cards without ever returning the token; one default', async () => {
    const user = await givenUser(t);
    const first = await t.inject({
      method: 'POST',
      url: '/users/me/payment-methods',
      headers: user.auth,
      payload: makeCard(),
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ provider: 'stripe', brand: 'visa', last4: '4242', isDefault: true });
    expect(first.json().token).toBeUndefined();

    const second = (
      await t.inject({
        method: 'POST',
        url: '/users/me/payment-methods',
        headers: user.auth,
        payload: makeCard({ brand: 'mastercard', last4: '4444' }),
      })
    ).json();
    expect(second.isDefault).toBe(false);
    const made = await t.inject({
      method: 'POST',
      url: `/users/me/payment-methods/${second.id}/default`,
      headers: user.auth,
    });
    expect(made.json()).toMatchObject({ id: second.id, isDefault: true });

    const { items } = (await t.inject({ method: 'GET', url: '/users/me/payment-methods', headers: user.auth })).json();
    expect(items.map((m: { last4: string; isDefault: boolean }) => [m.last4, m.isDefault])).toEqual([
      ['4444', true],
      ['4242', false],
    ]);

    expect(
      (await t.inject({ method: 'DELETE', url: `/users/me/payment-methods/${second.id}`, headers: user.auth }))
        .statusCode,
    ).toBe(204);
    const after = (await t.inject({ method: 'GET', url: '/users/me/payment-methods', headers: user.auth })).json();
    expect(after.items).toEqual([expect.objectContaining({ last4: '4242', isDefault: true })]);
  });

  it.each([
    ['in the token', { token: '4242424242424242' }, 'body.token'],
    ['spaced out in the token', { token: 'tok 4242 4242 4242 4242' }, 'body.token'],
    ['dotted in the token', { token: 'tok.4111.1111.1111.1111' }, 'body.token'],
    ['in the provider, grouped by underscores', { provider: 'stripe_4111_1111_1111_1111' }, 'body.provider'],
    ['in the provider, grouped by dashes', { provider: 'x4111-1111-1111-1111' }, 'body.provider'],
    ['in last4', { last4: '5555555555554444' }, 'body.last4'],
    ['as a number', { last4: 4242424242424242 }, 'body.last4'],
    ['in an extra field, grouped by slashes', { number: '3782/822463/10005' }, 'body.number'],
  ])(
    '400 CARD_NUMBER_REJECTED naming the field for a full card number %s, without echoing it',
    async (_where, overrides, field) => {
      const user = await givenUser(t);
      const response = await t.inject({
        method: 'POST',
        url: '/users/me/payment-methods',
        headers: user.auth,
        payload: makeCard(overrides),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'CARD_NUMBER_REJECTED', details: [{ field }] });
      expect(response.body.replace(/\D/g, '')).not.toMatch(/\d{13}/);
      const { items } = (
        await t.inject({ method: 'GET', url: '/users/me/payment-methods', headers: user.auth })
      ).json();
      expect(items).toEqual([]);
    },
  );

  it('refuses a card number in the query string too', async () => {
    const user = await givenUser(t);
    const response = await t.inject({
      method: 'POST',
      url: '/users/me/payment-methods?note=4111:1111:1111:1111',
      headers: user.auth,
      payload: makeCard(),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ field: 'querystring.note' })]);
  });

  it('400 for an expired card or bad fields, 409 for the same token twice', async () => {
    const user = await givenUser(t);
    const expired = await t.inject({
      method: 'POST',
      url: '/users/me/payment-methods',
      headers: user.auth,
      payload: makeCard({ expYear: 2020 }),
    });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.details).toEqual([
      expect.objectContaining({ field: 'body.expYear', message: 'the card has expired' }),
    ]);
    const badMonth = await t.inject({
      method: 'POST',
      url: '/users/me/payment-methods',
      headers: user.auth,
      payload: makeCard({ expMonth: 13 }),
    });
    expect(badMonth.statusCode).toBe(400);

    const card = makeCard();
    await t.inject({ method: 'POST', url: '/users/me/payment-methods', headers: user.auth, payload: card });
    const again = await t.inject({
      method: 'POST',
      url: '/users/me/payment-methods',
      headers: user.auth,
      payload: card,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PAYMENT_METHOD_EXISTS');
  });

  it('another user’s payment method is a 404', async () => {
    const [alice, bob] = [await givenUser(t), await givenUser(t)];
    const created = (
      await t.inject({ method: 'POST', url: '/users/me/payment-methods', headers: alice.auth, payload: makeCard() })
    ).json();
    expect(
      (await t.inject({ method: 'DELETE', url: `/users/me/payment-methods/${created.id}`, headers: bob.auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'POST', url: `/users/me/payment-methods/${created.id}/default`, headers: bob.auth }))
        .statusCode,
    ).toBe(404);
  });

  it('403 for a deleted profile', async () => {
    const user = await givenUser(t, { status: 'deleted' });
    expect((await t.inject({ method: 'GET', url: '/users/me/payment-methods', headers: user.auth })).statusCode).toBe(
      403,
    );
  });
});
