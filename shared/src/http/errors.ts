/**
 * The few typed errors domain code throws. Each carries the `code` and HTTP status that the
 * error handler puts into `{ error: { code, message, details? } }`.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (code = 'UNAUTHORIZED', message = 'authentication required') =>
  new AppError(401, code, message);
export const forbidden = (code = 'FORBIDDEN', message = 'not allowed') => new AppError(403, code, message);
export const notFound = (code = 'NOT_FOUND', message = 'not found') => new AppError(404, code, message);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooManyRequests = (
  retryAfterSeconds: number,
  code = 'TOO_MANY_REQUESTS',
  message = 'too many requests, try again later',
) =>
  new AppError(
    429,
    code,
    message,
    { retryAfterSeconds },
    { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );

/** What a service depends on at request time; named in a 503 so that an operator knows where to look. */
export type Dependency = 'postgres' | 'redis' | 'jwks' | 'sns' | 'sqs';

/** 503 DEPENDENCY_UNAVAILABLE naming the dependency that is down, with Retry-After. */
export const dependencyUnavailable = (dependency: Dependency, retryAfterSeconds = 5) =>
  new AppError(
    503,
    'DEPENDENCY_UNAVAILABLE',
    `${dependency} is unavailable, try again shortly`,
    { dependency },
    { 'retry-after': String(retryAfterSeconds) },
  );

/** 503 OVERLOADED: more work than the service takes on at once; refused early rather than queued into a timeout. */
export const overloaded = (resource: string, retryAfterSeconds = 1) =>
  new AppError(
    503,
    'OVERLOADED',
    'the service is at capacity, try again shortly',
    { resource },
    { 'retry-after': String(retryAfterSeconds) },
  );
