import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import scalarApiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const DOCS_PREFIX = '/docs';

export interface ApiDocsOptions {
  service: string;
  version: string;
  description: string;
  /** The tags routes use, each with a line for the reference's sidebar. */
  tags?: ReadonlyArray<{ name: string; description: string }>;
}

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
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The OpenAPI document, generated from the routes' zod schemas, and its reference UI:
 * - GET /docs: Scalar's API reference, its JavaScript served from this service (/docs/js/scalar.js,
 *   embedded in the plugin's own module, so bundles and Lambda zips need no static files);
 * - GET /docs/json and /docs/yaml: the document.
 * Schemas registered with an id (`.meta({ id: 'Address' })`) become components.schemas entries:
 * `transformObject` writes them, `transform` refers to them; without the former every `$ref` dangles.
 * It writes an input (`AddressInput`) and an output variant of each; the ones no route uses are dropped.
 * A response without a description gets its schema's, else the status's reason phrase.
 * Must be registered before the routes it documents.
 */
export async function registerApiDocs(app: FastifyInstance, options: ApiDocsOptions) {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.service,
        description: options.description,
        version: options.version,
        license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
      },
      // Relative: the document describes whichever host serves it (localhost, a container, API Gateway).
      servers: [{ url: '/', description: `this ${options.service}` }],
      tags: [...(options.tags ?? [])],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'An access token from POST /auth/login or /auth/register of the auth-service (15 min)',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => withResponseDescriptions(withoutUnusedSchemas(jsonSchemaTransformObject(document))),
  });

  await app.register(async (docs) => {
    docs.addHook('onSend', async (request, reply, payload) => {
      if (typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('text/html')) {
        reply.header('content-security-policy', docsPageContentSecurityPolicy(inlineScriptHashes(payload)));
      }
      return payload;
    });
    await docs.register(scalarApiReference, {
      routePrefix: DOCS_PREFIX,
      openApiDocumentEndpoints: { json: '/json', yaml: '/yaml' },
      logLevel: 'warn',
      configuration: {
        pageTitle: `${options.service} API`,
        withDefaultFonts: false,
        telemetry: false,
        showDeveloperTools: 'never',
        hideClientButton: false,
        agent: { disabled: true },
        mcp: { disabled: true },
        persistAuth: false,
      },
    });
  });
}

/** CSP source expressions ('sha256-…') of the inline scripts of an HTML page. */
function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `sha256-${createHash('sha256').update(body!).digest('base64')}`,
  );
}

interface WithComponents {
  components?: { schemas?: Record<string, { description?: string }> };
  paths?: Record<string, Record<string, { responses?: Record<string, Response> }>>;
}

interface Response {
  description?: string;
  content?: Record<string, { schema?: { $ref?: string; description?: string } }>;
}

const SCHEMA_REF = /"#\/components\/schemas\/([^"]+)"/g;

/** The document without the component schemas that nothing (no path, no used component) refers to. */
function withoutUnusedSchemas<Document extends object>(document: Document): Document {
  const { components } = document as WithComponents;
  const schemas = components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown) => {
    for (const [, name] of JSON.stringify(value).matchAll(SCHEMA_REF)) {
      const decoded = decodeURIComponent(name!);
      if (!used.has(decoded)) {
        used.add(decoded);
        visit(schemas[decoded] ?? null);
      }
    }
  };
  visit({ ...document, components: { ...components, schemas: {} } });
  return {
    ...document,
    components: {
      ...components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
    },
  };
}

/** Every response described: by its schema's description (a referenced component's too), else "OK", "Created"… */
function withResponseDescriptions<Document extends object>(document: Document): Document {
  const { components, paths = {} } = document as WithComponents;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description && response.description !== 'Default Response') continue;
        const schema = Object.values(response.content ?? {})[0]?.schema;
        const referenced = schema?.$ref ? components?.schemas?.[schema.$ref.split('/').pop()!] : undefined;
        response.description = referenced?.description ?? schema?.description ?? STATUS_CODES[status] ?? status;
      }
    }
  }
  return document;
}
