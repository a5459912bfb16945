import { apiDocumentProblems } from '@platform/shared/testing';
import { buildTestApp } from '../test/testApp';

describe('the OpenAPI document', () => {
  it('describes every route, with no $ref to a missing schema, and answers 204 where the routes do', async () => {
    const { app, inject } = await buildTestApp();
    const document = (await inject({ method: 'GET', url: '/docs/json' })).json();
    expect(apiDocumentProblems(document)).toEqual([]);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Profile', 'Address', 'CreateAddressInput', 'PaymentMethod', 'WishlistPage']),
    );
    for (const path of ['/users/me/addresses/{id}', '/users/me/payment-methods/{id}', '/users/me/wishlist/{productId}'])
      expect(Object.keys(document.paths[path].delete.responses)).toContain('204');
    expect((await inject({ method: 'GET', url: '/docs/' })).headers['content-type']).toMatch(/^text\/html/);
    await app.close();
  });
});
