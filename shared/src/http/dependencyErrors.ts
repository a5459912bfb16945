import { dependencyUnavailable, overloaded, type AppError } from './errors';

/** Prisma codes of a database that cannot be reached, or that dropped the connection. */
const prismaUnreachable = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
/** Prisma codes of a pool that had no connection free in time (P2024) or a transaction that could not start in time (P2028). */
const prismaPoolTimeout = new Set(['P2024', 'P2028']);
/** Driver adapter error kinds (Prisma's meta.driverAdapterError.cause.kind) of an unreachable or vanished server. */
const adapterUnreachable = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'DatabaseDoesNotExist',
]);
/** Errors of a connection (Node's net/dns codes). */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres' own messages: the pool had no client free in time / the server went away. */
const pgPoolTimeout = 'timeout exceeded when trying to connect';
const pgConnectionLost = /^Connection terminated/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  severity?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
}

/**
 * The 503 for an error that means Postgres is down (DEPENDENCY_UNAVAILABLE, dependency postgres) or
 * has no connection free in time (OVERLOADED, resource postgres), or undefined for any other error.
 * Recognises Prisma's errors, node-postgres' own, Postgres' SQLSTATEs of a server shutting down or
 * refusing connections, and bare connection errors: in these services Postgres is the one dependency
 * that route code calls without catching (Redis failures fall back or are mapped where they are made,
 * a JWKS failure is wrapped, SNS/SQS are called only in the background).
 */
export function postgresFailure(error: unknown): AppError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { name, code, message, severity, meta } = error as ErrorLike;
  const isPrisma = typeof name === 'string' && name.startsWith('PrismaClient');
  if (isPrisma) {
    if (name === 'PrismaClientInitializationError') return dependencyUnavailable('postgres');
    if (typeof code === 'string' && prismaPoolTimeout.has(code)) return overloaded('postgres');
    if (typeof code === 'string' && prismaUnreachable.has(code)) return dependencyUnavailable('postgres');
    const cause = meta?.driverAdapterError?.cause;
    if (typeof cause?.kind === 'string' && adapterUnreachable.has(cause.kind)) return dependencyUnavailable('postgres');
    if (cause?.kind === 'TooManyConnections') return overloaded('postgres');
    if (typeof cause?.originalCode === 'string') return bySqlState(cause.originalCode);
    return undefined;
  }
  if (message === pgPoolTimeout) return overloaded('postgres');
  if (typeof message === 'string' && pgConnectionLost.test(message)) return dependencyUnavailable('postgres');
  if (typeof severity === 'string' && typeof code === 'string') return bySqlState(code);
  if (typeof code === 'string' && connectionCodes.has(code)) return dependencyUnavailable('postgres');
  return undefined;
}

/** Class 08 (connection exception) and 57P01–57P03 (shutting down, cannot connect now): down; 53300: too many connections. */
function bySqlState(sqlState: string): AppError | undefined {
  if (sqlState === '53300') return overloaded('postgres');
  if (sqlState.startsWith('08') || /^57P0[123]$/.test(sqlState)) return dependencyUnavailable('postgres');
  return undefined;
}
