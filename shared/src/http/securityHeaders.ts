import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Where the API docs live (UI, its assets, /docs/json, /docs/asyncapi.json). */
export const DOCS_PREFIX = '/docs';

/**
 * THE Content-Security-Policy of the API docs pages (ASVS 3.4.3 wants at least object-src and
 * base-uri 'none' and an allowlist): the one place to change when the docs UI changes.
 * Swagger UI (@fastify/swagger-ui) loads its scripts, styles and the OpenAPI document from this
 * origin and draws icons from data: URLs; it needs no inline script. Another UI may need more here
 * (an inline configuration script: its hash in `script-src`; assets from a CDN: that origin).
 */
export const DOCS_CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/** Every other response is JSON (or Prometheus text): it loads nothing and nothing may frame it. */
const API_CONTENT_SECURITY_POLICY = {
  'default-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response, errors and 404s included (helmet: HSTS, nosniff, frame and
 * referrer policies, cross-origin isolation, a CSP), the docs pages with the CSP they need; and
 * `Cache-Control: no-store` on every response that does not set its own caching (tokens and personal
 * data must never sit in a shared or browser cache; public documents such as the JWKS set theirs).
 */
export async function registerSecurityHeaders(app: FastifyInstance) {
  // Before helmet's own onRoute hook, which reads a route's `helmet` option.
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      route.helmet = { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CONTENT_SECURITY_POLICY } };
    }
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CONTENT_SECURITY_POLICY },
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
