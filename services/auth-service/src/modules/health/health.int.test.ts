import { apiDocumentProblems } from '@platform/shared/testing';
import { call, startTestApp, type TestApp } from '../../../test/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('health, docs and keys', () => {
  it('is ready when Postgres, Redis and SNS answer', async () => {
    const ready = await call(t, 'GET', '/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: { postgres: { status: 'ok' }, redis: { status: 'ok' }, sns: { status: 'ok' } },
    });
  });

  it('publishes the OpenAPI document of every route, complete enough for a reference UI', async () => {
    const docs = await call(t, 'GET', '/docs/json');
    const paths = Object.keys(docs.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/auth/register', '/auth/login', '/admin/users', '/.well-known/jwks.json']),
    );
    // No dangling $ref; every route with a summary, an operationId, a tag, security and its error answers.
    expect(apiDocumentProblems(docs.json())).toEqual([]);
    expect(docs.json().paths['/auth/me'].delete.responses).toHaveProperty('204');
    expect((await call(t, 'GET', '/docs/')).headers['content-type']).toMatch(/^text\/html/);
  });

  it("publishes the AsyncAPI document of its events, with the deployment's topic name", async () => {
    const asyncapi = await call(t, 'GET', '/docs/asyncapi.json');
    expect(asyncapi.statusCode).toBe(200);
    expect(asyncapi.json()).toMatchObject({
      asyncapi: '3.0.0',
      channels: { userEvents: { address: `${t.config.TOPOLOGY_PREFIX}user-events` } },
    });
  });

  it('publishes the public signing key, never the private part', async () => {
    const jwks = await call(t, 'GET', '/.well-known/jwks.json');
    const [key] = jwks.json().keys;
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(key.d).toBeUndefined();
  });
});
