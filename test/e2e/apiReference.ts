import assert from 'node:assert/strict';
import { apiDocumentProblems } from '@platform/shared/testing';

export interface PlainResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** GET `path` of a service, however the target serves it (HTTP, or an invocation of a packaged function). */
export type ServiceGet = (service: 'auth-service' | 'user-service', path: string) => Promise<PlainResponse>;

/** A ServiceGet over HTTP to the services' base URLs. */
export function httpGet(urls: { authUrl: string; userUrl: string }): ServiceGet {
  return async (service, path) => {
    const response = await fetch(new URL(path, service === 'auth-service' ? urls.authUrl : urls.userUrl), {
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  };
}

/**
 * Each service's API reference works as a browser needs it: the page, the Scalar script it loads
 * from the service itself (nothing from a CDN), and a document in which every $ref resolves and
 * every route has a summary.
 */
export async function checkApiReferences(get: ServiceGet): Promise<void> {
  for (const service of ['auth-service', 'user-service'] as const) {
    const page = await get(service, '/docs/');
    assert.equal(page.status, 200, `${service} GET /docs/: ${page.status} ${page.body.slice(0, 200)}`);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/, `${service} /docs/ is a page`);
    assert.match(page.body, /<script src="js\/scalar\.js"/, `${service} /docs/ loads its script from itself`);
    assert.doesNotMatch(page.body, /(src|href)="https?:/, `${service} /docs/ loads nothing from elsewhere`);
    assert.match(page.headers['content-security-policy'] ?? '', /script-src 'self' 'sha256-/, `${service} page CSP`);
    const script = await get(service, '/docs/js/scalar.js');
    assert.equal(script.status, 200, `${service} GET /docs/js/scalar.js: ${script.status}`);
    assert.ok(script.body.length > 100_000, `${service} /docs/js/scalar.js is the Scalar bundle`);
    const document = await get(service, '/docs/json');
    assert.equal(document.status, 200, `${service} GET /docs/json: ${document.status}`);
    assert.deepEqual(apiDocumentProblems(JSON.parse(document.body)), [], `${service} document problems`);
  }
}
