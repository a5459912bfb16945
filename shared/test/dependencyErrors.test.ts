import { postgresFailure } from '../src/http/dependencyErrors';

/** What the error handler answers for an error, in short. */
const answer = (error: unknown) => {
  const mapped = postgresFailure(error);
  return mapped ? [mapped.statusCode, mapped.code, mapped.details, mapped.headers['retry-after']] : undefined;
};
const down = [503, 'DEPENDENCY_UNAVAILABLE', { dependency: 'postgres' }, '5'];
const busy = [503, 'OVERLOADED', { resource: 'postgres' }, '1'];

/** An error shaped like Prisma's (the class name is what is checked). */
function prismaError(code: string, meta?: object, name = 'PrismaClientKnownRequestError') {
  return Object.assign(new Error('prisma'), { name, code, meta });
}

describe('Postgres failures', () => {
  it.each([
    ['P1001 (cannot reach the server)', prismaError('P1001'), down],
    ['P1017 (the server closed the connection)', prismaError('P1017'), down],
    ['P2024 (no pooled connection in time)', prismaError('P2024'), busy],
    ['P2028 (a transaction could not start in time)', prismaError('P2028'), busy],
    [
      'a raw query whose driver could not reach the server (P2010)',
      prismaError('P2010', { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } }),
      down,
    ],
    [
      'a raw query refused as the server shuts down (57P01)',
      prismaError('P2010', { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P01' } } }),
      down,
    ],
    ['the client could not start at all', prismaError('', undefined, 'PrismaClientInitializationError'), down],
    ["node-postgres' pool timeout", new Error('timeout exceeded when trying to connect'), busy],
    ["node-postgres' lost connection", new Error('Connection terminated unexpectedly'), down],
    ['too many connections (53300)', Object.assign(new Error('sorry'), { severity: 'FATAL', code: '53300' }), busy],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), down],
  ])('%s is a 503', (_case, error, expected) => {
    expect(answer(error)).toEqual(expected);
  });

  it.each([
    ['a unique violation', prismaError('P2002')],
    ['a constraint of the data (23503)', Object.assign(new Error('fk'), { severity: 'ERROR', code: '23503' })],
    ['a bug', new TypeError('undefined is not a function')],
    ['not an error', 'text'],
  ])('%s is not', (_case, error) => {
    expect(answer(error)).toBeUndefined();
  });
});
