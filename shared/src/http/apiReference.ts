import { createHash } from 'node:crypto';
import type ScalarApiReference from '@scalar/fastify-api-reference';
import Fastify, { type FastifyInstance } from 'fastify';

export const DOCS_PREFIX = '/docs';

/**
 * What the reference page needs from a Content-Security-Policy, in one place. The page loads the
 * Scalar bundle from this service (never a CDN: production-like networks have no internet), runs one
 * inline script (the reference's configuration, allowed by its hash), and the bundle adds inline
 * styles. It fetches the document and sends "try it" requests to this origin only. Fonts are the
 * system's (`withDefaultFonts: false`), so nothing loads from elsewhere. The page sets this policy
 * itself (onSend, after any app-wide policy), so a strict default elsewhere does not break it.
 */
export function docsPageContentSecurityPolicy(inlineScriptHashes: string[]): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${inlineScriptHashes.map((hash) => `'${hash}'`).join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    // Covered by default-src 'none' already; named because ASVS 3.4.3 asks every policy to say it.
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * GET /docs: Scalar's API reference of the document at /docs/json; its script at /docs/js/scalar.js,
 * served from this service (embedded in @scalar/fastify-api-reference's module, so bundles and Lambda
 * zips need no static files). The plugin (about 5 MB of script, most of a second to load) is loaded
 * on the first request for the page, not at start: a Lambda cold start does not pay for it. It runs
 * in a small Fastify instance of its own, which these routes ask through inject.
 */
export function registerApiReference(app: FastifyInstance, options: { title: string }) {
  let reference: Promise<FastifyInstance> | undefined;
  const loadReference = async () => {
    // require, not import(): loaded when first needed, in every runtime (tsx, the bundles, Jest's CommonJS).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plugin = (require('@scalar/fastify-api-reference') as { default: typeof ScalarApiReference }).default;
    const ui = Fastify({ logger: false });
    await ui.register(plugin, {
      routePrefix: DOCS_PREFIX,
      configuration: {
        url: 'json',
        pageTitle: options.title,
        withDefaultFonts: false,
        telemetry: false,
        showDeveloperTools: 'never',
        agent: { disabled: true },
        mcp: { disabled: true },
        persistAuth: false,
        // The token field is ready to paste into: every route but health and the public auth ones needs one.
        authentication: { preferredSecurityScheme: 'bearerAuth' },
      },
    });
    await ui.ready();
    return ui;
  };

  void app.register(async (docs) => {
    docs.addHook('onSend', async (_request, reply, payload) => {
      if (typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('text/html'))
        reply.header('content-security-policy', docsPageContentSecurityPolicy(inlineScriptHashes(payload)));
      return payload;
    });
    const hide = { schema: { hide: true } };
    // Relative links on the page (js/scalar.js, json) need the trailing slash.
    docs.get(DOCS_PREFIX, hide, async (_request, reply) => reply.redirect(`${DOCS_PREFIX}/`, 301));
    for (const url of [`${DOCS_PREFIX}/`, `${DOCS_PREFIX}/js/scalar.js`]) {
      docs.get(url, hide, async (_request, reply) => {
        reference ??= loadReference().catch((error: unknown) => {
          reference = undefined;
          throw error;
        });
        const answer = await (await reference).inject({ method: 'GET', url });
        return reply
          .code(answer.statusCode)
          .header('content-type', answer.headers['content-type'])
          .header('cache-control', url.endsWith('.js') ? 'public, max-age=3600' : 'no-cache')
          .send(answer.body);
      });
    }
    docs.get(`${DOCS_PREFIX}/json`, hide, async () => app.swagger());
    docs.get(`${DOCS_PREFIX}/yaml`, hide, async (_request, reply) =>
      reply.type('application/yaml').send(app.swagger({ yaml: true })),
    );
  });
}

/** CSP source expressions ('sha256-…') of the inline scripts of an HTML page. */
function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `sha256-${createHash('sha256').update(body!).digest('base64')}`,
  );
}
