import { STATUS_CODES } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { registerApiReference } from './apiReference';

export interface ApiDocsOptions {
  service: string;
  version: string;
  description: string;
  /** The tags the service's own routes use, each with a line for the reference's sidebar ('health' is added). */
  tags?: ReadonlyArray<{ name: string; description: string }>;
  /** Serve the reference and the document over HTTP (API_DOCS); the document is generated either way (app.swagger()). */
  serveReference: boolean;
}

/**
 * The OpenAPI document, generated from the routes' zod schemas (GET /docs/json, /docs/yaml), and
 * its reference UI at /docs (apiReference.ts), both served only where `serveReference` (API_DOCS).
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
      // The shared health routes' tag last.
      tags: [...(options.tags ?? []), { name: 'health', description: 'Liveness and readiness probes' }],
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

  if (options.serveReference) registerApiReference(app, { title: `${options.service} API` });
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
