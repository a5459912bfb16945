import type { FastifySchema } from 'fastify';
import { z, type ZodType } from 'zod';

/** One error code a service answers with: its HTTP status, what it means, and the headers it sets. */
export interface ErrorCodeDoc {
  status: number;
  /** The code on the wire when it differs from the catalogue key (one code at two statuses). */
  code?: string;
  description: string;
  /** Response headers that come with this code (e.g. Retry-After). */
  headers?: Record<string, { description: string; type: 'string' | 'integer' }>;
  /** `details` of an example response, where the code has details. */
  exampleDetails?: unknown;
}

/** Headers of error answers that ask the client to wait. */
export const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before trying again', type: 'integer' },
} as const;
const WWW_AUTHENTICATE = {
  'WWW-Authenticate': { description: '`Bearer`: send an access token', type: 'string' },
} as const;

/** The codes the shared HTTP layer itself answers with, on every service (errorHandler, bearerAuth, textSafety). */
export const sharedErrorCodes = {
  VALIDATION_FAILED: {
    status: 400,
    description: 'A field is missing or invalid; `details` names each field',
    exampleDetails: [{ field: 'body.email', message: 'Invalid email address' }],
  },
  INVALID_JSON: { status: 400, description: 'The body is not valid JSON' },
  MISSING_TOKEN: {
    status: 401,
    description: 'No `Authorization: Bearer <access token>` header',
    headers: WWW_AUTHENTICATE,
  },
  INVALID_TOKEN: { status: 401, description: 'The access token is invalid or expired', headers: WWW_AUTHENTICATE },
  TOKEN_REVOKED: {
    status: 401,
    description: 'The session of this access token has ended (logout, password change, deactivation, new roles)',
    headers: WWW_AUTHENTICATE,
  },
  FORBIDDEN: { status: 403, description: 'The caller does not have the role this route requires' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than 64 KiB' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body is not `application/json`' },
  RATE_LIMITED: {
    status: 429,
    description: 'Too many requests from this client; retry after `Retry-After` seconds',
    headers: RETRY_AFTER_HEADER,
    exampleDetails: { retryAfterSeconds: 42 },
  },
  INTERNAL_ERROR: {
    status: 500,
    description: 'A bug on our side; quote `details.requestId`',
    exampleDetails: { requestId: '0b7e2f4c-8d7a-4a1e-9c55-2f1f3c1a9b10' },
  },
  DEPENDENCY_UNAVAILABLE: {
    status: 503,
    description:
      'Something this answer needs is down (`details.dependency`: postgres, redis for an admin token, jwks, sns, ' +
      'sqs); retry after `Retry-After` seconds',
    headers: RETRY_AFTER_HEADER,
    exampleDetails: { dependency: 'postgres' },
  },
  OVERLOADED: {
    status: 503,
    description:
      'The service is at capacity (`details.resource`: argon2 for password work, postgres for connections) and ' +
      'refused the request at once; retry after `Retry-After` seconds',
    headers: RETRY_AFTER_HEADER,
    exampleDetails: { resource: 'argon2' },
  },
} as const satisfies Record<string, ErrorCodeDoc>;

type SharedCode = keyof typeof sharedErrorCodes;

/**
 * Who may call a route: anyone (`public`), a Bearer access token (`bearer`: 401 without a valid one),
 * or an admin's (`admin`: also 403).
 */
export type RouteAuth = 'public' | 'bearer' | 'admin';

/** A route's documentation: what fastify's `schema` takes, with the error codes as a list. */
export interface RouteDocInput<Code extends string> {
  /** Stable and unique per document: clients generated from the document name their methods by it. */
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly [string, ...string[]];
  auth: RouteAuth;
  body?: ZodType;
  params?: ZodType;
  querystring?: ZodType;
  /** The success answers only (2xx, 3xx); the error answers come from `errors`. */
  response: Record<number, ZodType>;
  /** The route's own error codes; the ones every route, body or `auth` implies are added. */
  errors?: readonly Code[];
}

export type DocumentedSchema<Input> = Omit<Input, 'auth' | 'errors' | 'tags'> & {
  tags: string[];
  security: Array<Record<string, string[]>>;
} & FastifySchema;

const documentedCodes = new WeakMap<ZodType, readonly string[]>();

/** The error codes a route documents for a status (its response schema), for tests that hold answers to the document. */
export function documentedErrorCodes(responseSchema: unknown): readonly string[] | undefined {
  return typeof responseSchema === 'object' && responseSchema !== null
    ? documentedCodes.get(responseSchema as ZodType)
    : undefined;
}

/**
 * The route documentation helper of a service: `catalogue` is every error code of its own (status,
 * meaning), `everyRoute` the codes each of its routes can give (e.g. RATE_LIMITED where a limiter
 * runs on every route). The returned function turns a route's summary, auth and error codes into
 * fastify's `schema`: bearer security, and per error status the shared error shape with the codes
 * of that status listed (enum, description, one example each) and their headers. Implied codes:
 * every route VALIDATION_FAILED (text safety checks every query, path and body) and INTERNAL_ERROR;
 * every route but the health probes the 503s DEPENDENCY_UNAVAILABLE and OVERLOADED; a route with a body
 * INVALID_JSON, PAYLOAD_TOO_LARGE and UNSUPPORTED_MEDIA_TYPE; `bearer` the 401 codes; `admin` also FORBIDDEN. The runtime schema stays
 * `code: string` (an unlisted code must not turn into a 500); tests compare answers to the list.
 * @example const route = routeDocs(authErrorCodes, { everyRoute: ['RATE_LIMITED'] });
 *   app.post('/auth/login', { schema: route({ operationId: 'login', summary: 'Log in', tags: ['auth'],
 *     auth: 'public', body: loginBody, response: { 200: sessionResponse }, errors: ['INVALID_CREDENTIALS'] }) }, …)
 */
export function routeDocs<const Catalogue extends Record<string, ErrorCodeDoc>>(
  catalogue: Catalogue,
  options: { everyRoute?: ReadonlyArray<keyof Catalogue | SharedCode> } = {},
) {
  type Code = (keyof Catalogue | SharedCode) & string;
  const codes: Record<string, ErrorCodeDoc> = { ...sharedErrorCodes, ...catalogue };
  const cache = new Map<string, ZodType>();

  const responseFor = (status: number, statusCodes: string[]): ZodType => {
    const key = `${status}:${statusCodes.join(',')}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const docs = statusCodes.map((key) => ({ ...codes[key]!, code: codes[key]!.code ?? key }));
    const wireCodes = [...new Set(docs.map((doc) => doc.code))];
    const headers = Object.assign({}, ...docs.map((doc) => doc.headers ?? {})) as NonNullable<ErrorCodeDoc['headers']>;
    const schema = z
      .object({
        error: z.object({
          code: z.string().meta({ enum: wireCodes, description: 'Stable, for programs to act on' }),
          message: z.string().meta({ description: 'For people; may change' }),
          details: z.unknown().optional(),
        }),
      })
      .meta({
        description: docs.map((doc) => `\`${doc.code}\`: ${doc.description}`).join('. '),
        // @fastify/swagger moves these to the media type's named examples.
        'x-examples': Object.fromEntries(
          docs.map((doc) => [
            doc.code,
            {
              summary: doc.description.replace(/`/g, ''),
              value: {
                error: {
                  code: doc.code,
                  message: doc.description.replace(/`/g, ''),
                  ...(doc.exampleDetails === undefined ? {} : { details: doc.exampleDetails }),
                },
              },
            },
          ]),
        ),
        // And these to the response's headers.
        ...(Object.keys(headers).length ? { headers } : {}),
      });
    documentedCodes.set(schema, wireCodes);
    cache.set(key, schema);
    return schema;
  };

  return function route<const Input extends RouteDocInput<Code>>(input: Input): DocumentedSchema<Input> {
    const { auth, errors = [], tags, response, ...rest } = input;
    const implied: string[] = ['VALIDATION_FAILED', 'INTERNAL_ERROR', ...(options.everyRoute ?? [])].map(String);
    // Any route may meet a dependency that is down or a service at capacity (the health routes say so their own way).
    if (!tags.includes('health')) implied.push('DEPENDENCY_UNAVAILABLE', 'OVERLOADED');
    if (input.body) implied.push('INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
    if (auth !== 'public') implied.push('MISSING_TOKEN', 'INVALID_TOKEN', 'TOKEN_REVOKED');
    if (auth === 'admin') implied.push('FORBIDDEN');
    const all = [...new Set([...implied, ...errors])];
    const byStatus = new Map<number, string[]>();
    for (const code of all) {
      const doc = codes[code];
      if (!doc) throw new Error(`${input.operationId}: error code ${code} is not in the catalogue`);
      byStatus.set(doc.status, [...(byStatus.get(doc.status) ?? []), code]);
    }
    const errorResponses = Object.fromEntries(
      [...byStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, statusCodes]) => [status, responseFor(status, statusCodes)]),
    );
    return {
      ...rest,
      tags: [...tags],
      security: auth === 'public' ? [] : [{ bearerAuth: [] }],
      response: { ...response, ...errorResponses },
    } as unknown as DocumentedSchema<Input>;
  };
}
