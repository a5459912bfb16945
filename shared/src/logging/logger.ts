import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths that may carry secrets. pino replaces them before a line is written, so a password,
 * token or key never reaches the logs even when a whole body or header set is logged.
 */
export const redactedPaths = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  'payload.token',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
];

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /**
   * Human-readable lines (pino-pretty, development); JSON otherwise (production, containers, Lambda).
   * Falls back to JSON where pino-pretty is not installed (a production bundle run in development).
   */
  pretty?: boolean;
}

/** The pino options both services use. */
export function loggerOptions({ service, level = 'info', pretty = false }: CreateLoggerOptions): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty && prettyPrinterInstalled()
      ? {
          transport: {
            target: 'pino-pretty',
            // One line per entry, its fields after the message; `npm run dev` prefixes the service.
            options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true },
          },
        }
      : {}),
  };
}

function prettyPrinterInstalled(): boolean {
  try {
    // A variable, not a literal: bundlers leave the lookup to run time (pino-pretty is a dev dependency).
    const name = 'pino-pretty';
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * A pino logger with the service name and secret redaction, writing to `destination` (tests) or
 * stdout. Stdout is buffered: up to 4 KiB of lines go out in one write, and none waits more than
 * 100 ms (a write per line costs more than the line itself under load); what is left is flushed
 * when the process exits. In Lambda, where a frozen sandbox may never resume, every line is written
 * before the call returns.
 */
export function createLogger(options: CreateLoggerOptions, destination?: DestinationStream): Logger {
  const pinoOptions = loggerOptions(options);
  if (pinoOptions.transport) return pino(pinoOptions);
  return pino(pinoOptions, destination ?? stdout());
}

function stdout(): DestinationStream {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return pino.destination({ dest: 1, sync: true });
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
}

/** A child logger whose every line carries the correlation id of the work it logs. */
export function withCorrelationId(logger: Logger, correlationId: string): Logger {
  return logger.child({ correlationId });
}

export type { Logger };
