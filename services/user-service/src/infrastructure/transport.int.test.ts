import { buildTestApp, givenUser } from '../../test/testApp';

describe('transport security of the user-service', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t?.app.close());

  it('puts security headers and no-store on personal data and errors alike', async () => {
    const user = await givenUser(t);
    const responses = [
      await t.inject({ method: 'GET', url: '/users/me', headers: user.auth }),
      await t.inject({ method: 'GET', url: '/users/me/addresses', headers: user.auth }),
      await t.inject({ method: 'GET', url: '/users/me' }),
      await t.inject({ method: 'PATCH', url: '/users/me', headers: user.auth, payload: { displayName: 7 } }),
      await t.inject({ method: 'GET', url: '/docs/' }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 401, 400, 200]);
    for (const response of responses) {
      expect(response.headers).toMatchObject({
        'strict-transport-security': expect.stringMatching(/max-age=\d+/),
        'x-content-type-options': 'nosniff',
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      });
    }
    // Personal data and errors are never cached; the API reference page (no personal data) is revalidated.
    for (const response of responses.slice(0, 4)) expect(response.headers['cache-control']).toBe('no-store');
    expect(responses[4]!.headers['cache-control']).toBe('no-cache');
    expect(responses[4]!.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('what a production-like user-service exposes', () => {
  it('serves neither docs nor metrics by default outside development and test', async () => {
    const t = await buildTestApp({ env: { NODE_ENV: 'staging' } });
    try {
      for (const url of ['/docs', '/docs/json', '/metrics']) {
        expect([url, (await t.inject({ method: 'GET', url })).statusCode]).toEqual([url, 404]);
      }
    } finally {
      await t.app.close();
    }
  });
});
