import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';
export const CORRELATION_ID_HEADER = 'x-correlation-id';
const safeId = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Correlation-Id when it is a safe token, else the request id. */
export function correlationIdOf(headers: Record<string, string | string[] | undefined>, requestId: string): string {
  const given = headers[CORRELATION_ID_HEADER];
  return typeof given === 'string' && safeId.test(given) ? given : requestId;
}

/** The caller's X-Request-Id when it is a safe token, else undefined (Fastify then makes one). */
export function givenRequestId(headers: Record<string, string | string[] | undefined>): string | undefined {
  const given = headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && safeId.test(given) ? given : undefined;
}

/** Probes and scrapes: answered, never logged (a line per probe every few seconds is noise). */
const unlogged = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One log line per request, written when the response is sent: request id, correlation id (when the
 * caller gave one), method, path without the query string (it may carry tokens), status and time.
 * Info for 1xx–4xx, error for 5xx (the error handler adds the cause). Health probes and /metrics
 * scrapes are not logged. Use with Fastify's own two lines per request disabled
 * (`new LogController({ disableRequestLogging: true })`) and `lazyRequestLoggers`.
 */
export function registerRequestLogging(app: FastifyInstance) {
  // The line is built here from the method, the path without its query, ids checked against a safe
  // pattern and numbers: it holds no secret, so it skips the redaction every other line gets (half
  // the cost of the line).
  const log = (app.log as Logger).child({}, { redact: { paths: [] } });
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?', 1)[0]!;
    if (!unlogged.has(path)) {
      const line = {
        reqId: request.id,
        ...(request.correlationId !== request.id ? { correlationId: request.correlationId } : {}),
        method: request.method,
        url: path,
        statusCode: reply.statusCode,
        responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
      };
      if (reply.statusCode >= 500) log.error(line, 'request');
      else log.info(line, 'request');
    }
    done();
  });
}

/**
 * Fastify's `childLoggerFactory`: `request.log` carries the request and correlation ids, but the
 * pino child behind it is made only when a route logs something, not for every request (most log
 * nothing beyond the request line, which goes through the root logger).
 */
export const lazyRequestLoggers: NonNullable<FastifyServerOptions['childLoggerFactory']> = function (
  logger,
  bindings,
  options,
  rawRequest,
) {
  const reqId = String(bindings.reqId);
  const correlationId = correlationIdOf(rawRequest.headers, reqId);
  return new LazyChildLogger(
    logger as unknown as Logger,
    {
      ...bindings,
      ...(correlationId !== reqId ? { correlationId } : {}),
    },
    options,
  );
};

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A logger that becomes `parent.child(bindings)` on its first line at an enabled level. */
class LazyChildLogger implements FastifyBaseLogger {
  private made?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  private write(level: Level, args: unknown[]) {
    if (!(this.made ?? this.parent).isLevelEnabled(level)) return;
    (this.real()[level] as (...values: unknown[]) => void)(...args);
  }

  get level(): string {
    return (this.made ?? this.parent).level;
  }
  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options) as unknown as FastifyBaseLogger;
  }
}
