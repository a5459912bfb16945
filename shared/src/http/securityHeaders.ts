import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Every response but the API reference's page is JSON (or Prometheus text): it loads nothing and
 * nothing may frame it. The reference page sets the policy it needs itself, after this one
 * (docsPageContentSecurityPolicy in apiReference.ts: the one place to change when the docs UI changes).
 */
const API_CONTENT_SECURITY_POLICY = {
  'default-src': ["'none'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response, errors and 404s included (helmet: HSTS, nosniff, frame and
 * referrer policies, cross-origin isolation, a CSP); and
 * `Cache-Control: no-store` on every response that does not set its own caching (tokens and personal
 * data must never sit in a shared or browser cache; public documents such as the JWKS set theirs).
 */
export async function registerSecurityHeaders(app: FastifyInstance) {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: API_CONTENT_SECURITY_POLICY },
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
