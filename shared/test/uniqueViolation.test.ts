import { isUniqueViolation } from '../src/database';

/** Shaped like the error every generated Prisma client throws (each client has its own class). */
function prismaKnownRequestError(code: string): Error {
  return Object.assign(new Error('constraint failed'), { name: 'PrismaClientKnownRequestError', code });
}

describe('isUniqueViolation', () => {
  it('recognises P2002 from any generated Prisma client', () => {
    expect(isUniqueViolation(prismaKnownRequestError('P2002'))).toBe(true);
  });
  it('rejects other Prisma errors, other errors with that code, and non-errors', () => {
    expect(isUniqueViolation(prismaKnownRequestError('P2025'))).toBe(false);
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: 'P2002' }))).toBe(false);
    expect(isUniqueViolation({ name: 'PrismaClientKnownRequestError', code: 'P2002' })).toBe(false);
  });
});
