import { once } from 'node:events';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../../test/fauxqsProcess';
import { call, makeUser, startTestApp, type TestApp } from '../../../test/testApp';

type Response = Awaited<ReturnType<typeof call>>;

const metricsToken = 'metrics-token-of-this-test-0123456789abcdef';

function expectSecurityHeaders(response: Response) {
  expect(response.headers).toMatchObject({
    'strict-transport-security': expect.stringMatching(/max-age=\d+/),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
  });
  expect(response.headers['content-security-policy']).toContain("object-src 'none'");
  expect(response.headers['content-security-policy']).toContain("base-uri 'none'");
}

describe('transport security of the auth-service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('puts security headers on every response: success, client errors, limits and the docs pages', async () => {
    const { session } = await makeUser(t);
    const responses = [
      await call(t, 'GET', '/auth/me', { token: session.accessToken }),
      await call(t, 'GET', '/health/live'),
      await call(t, 'GET', '/no/such/route'),
      await call(t, 'POST', '/auth/login', { body: { email: 'nobody' } }),
      await call(t, 'GET', '/auth/me', { token: 'forged' }),
      await call(t, 'GET', '/docs/json'),
      await call(t, 'GET', '/docs/asyncapi.json'),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 404, 400, 401, 200, 200]);
    for (const response of responses) expectSecurityHeaders(response);
    // JSON loads nothing: the strictest policy.
    expect(responses[0]!.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('lets the API reference render: its page gets the docs policy (own scripts, its inline script by hash)', async () => {
    const page = await call(t, 'GET', '/docs/');
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page);
    const policy = page.headers['content-security-policy'] as string;
    expect(policy).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+/);
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('unsafe-eval');
    // Every script it loads comes from this origin.
    const scripts = [...page.body.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts).toEqual(['js/scalar.js']);
    const script = await call(t, 'GET', '/docs/js/scalar.js');
    expect(script.statusCode).toBe(200);
    expectSecurityHeaders(script);
  });

  it('never lets a cache keep tokens or personal data; the public key set may be cached', async () => {
    const registered = await call(t, 'POST', '/auth/register', {
      body: { email: `nostore-${Date.now()}@example.com`, password: 'violet-harbour-lantern-42' },
    });
    expect(registered.statusCode).toBe(201);
    const { accessToken, refreshToken } = registered.json();
    const responses = [
      registered,
      await call(t, 'POST', '/auth/refresh', { body: { refreshToken } }),
      await call(t, 'GET', '/auth/me', { token: accessToken }),
      await call(t, 'POST', '/auth/login', { body: { email: 'x@example.com', password: 'wrong-password-0' } }),
      await call(t, 'GET', '/health/ready'),
    ];
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store');
    const jwks = await call(t, 'GET', '/.well-known/jwks.json');
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
  });
});

describe('what a production-like auth-service exposes', () => {
  it('serves neither docs nor metrics by default outside development and test', async () => {
    const t = await startTestApp({ env: { NODE_ENV: 'staging' } });
    try {
      for (const url of ['/docs', '/docs/json', '/docs/asyncapi.json', '/metrics']) {
        expect([url, (await call(t, 'GET', url)).statusCode]).toEqual([url, 404]);
      }
    } finally {
      await t.close();
    }
  });

  it('serves /metrics behind a Bearer token when METRICS_TOKEN is set', async () => {
    const t = await startTestApp({ env: { NODE_ENV: 'staging', METRICS_TOKEN: metricsToken } });
    try {
      const anonymous = await call(t, 'GET', '/metrics');
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.body).not.toContain(metricsToken);
      expect((await call(t, 'GET', '/metrics', { token: `${metricsToken}x` })).statusCode).toBe(401);
      const scraped = await call(t, 'GET', '/metrics', { token: metricsToken });
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toContain('http_requests_total');
    } finally {
      await t.close();
    }
  });

  it('serves /metrics only on its own port when METRICS_PORT is set', async () => {
    const metricsPort = await freePort();
    const t = await startTestApp({
      env: { NODE_ENV: 'staging', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' },
    });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('process_cpu_user_seconds_total');
      expect((await fetch(`http://127.0.0.1:${metricsPort}/auth/me`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe('client timeouts', () => {
  it('answers 408 and closes the connection of a client that sends its body too slowly', async () => {
    const t = await startTestApp({ env: { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000' } });
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      // The headers promise a body that never comes.
      socket.write(
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email"',
      );
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      await once(socket, 'close');
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await t.close();
    }
  });
});
