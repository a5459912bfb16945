import { buildTestApp, givenUser } from '../../../test/testApp';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

describe('wishlist', () => {
  it('adds products once: 201 the first time, 200 with the same item after', async () => {
    const user = await givenUser(t);
    const first = await t.inject({
      method: 'POST',
      url: '/users/me/wishlist',
      headers: user.auth,
      payload: { productId: 'sku-1' },
    });
    expect(first.statusCode).toBe(201);
    const again = await t.inject({
      method: 'POST',
      url: '/users/me/wishlist',
      headers: user.auth,
      payload: { productId: 'sku-1' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(
      (await t.inject({ method: 'GET', url: '/users/me/wishlist', headers: user.auth })).json().items,
    ).toHaveLength(1);
  });

  it('pages newest first with an opaque cursor until nextCursor is null', async () => {
    const user = await givenUser(t);
    for (const n of [1, 2, 3, 4, 5])
      await t.inject({
        method: 'POST',
        url: '/users/me/wishlist',
        headers: user.auth,
        payload: { productId: `sku-${n}` },
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = (await t.inject({ method: 'GET', url: `/users/me/wishlist${query}`, headers: user.auth })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item: { productId: string }) => item.productId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['sku-5', 'sku-4', 'sku-3', 'sku-2', 'sku-1']);
  });

  it('removes a product; removing it again is still 204', async () => {
    const user = await givenUser(t);
    await t.inject({ method: 'POST', url: '/users/me/wishlist', headers: user.auth, payload: { productId: 'sku-9' } });
    expect((await t.inject({ method: 'DELETE', url: '/users/me/wishlist/sku-9', headers: user.auth })).statusCode).toBe(
      204,
    );
    expect((await t.inject({ method: 'DELETE', url: '/users/me/wishlist/sku-9', headers: user.auth })).statusCode).toBe(
      204,
    );
    expect((await t.inject({ method: 'GET', url: '/users/me/wishlist', headers: user.auth })).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('400 for a bad product id, a bad cursor or a bad limit', async () => {
    const user = await givenUser(t);
    for (const request of [
      { method: 'POST' as const, url: '/users/me/wishlist', payload: { productId: 'has spaces' } },
      { method: 'GET' as const, url: '/users/me/wishlist?cursor=bm90LWEtY3Vyc29y' },
      { method: 'GET' as const, url: '/users/me/wishlist?limit=1000' },
    ]) {
      expect((await t.inject({ ...request, headers: user.auth })).statusCode).toBe(400);
    }
  });

  it('each user sees only their own wishlist; 403 when deactivated', async () => {
    const [alice, bob] = [await givenUser(t), await givenUser(t)];
    await t.inject({ method: 'POST', url: '/users/me/wishlist', headers: alice.auth, payload: { productId: 'sku-a' } });
    expect((await t.inject({ method: 'GET', url: '/users/me/wishlist', headers: bob.auth })).json().items).toEqual([]);
    const off = await givenUser(t, { status: 'deactivated' });
    expect(
      (await t.inject({ method: 'POST', url: '/users/me/wishlist', headers: off.auth, payload: { productId: 'x' } }))
        .statusCode,
    ).toBe(403);
  });
});
