import { PrismaNamespace } from './database';

/** True for a unique-constraint violation (P2002), e.g. two registrations racing for one email. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof PrismaNamespace.PrismaClientKnownRequestError && error.code === 'P2002';
}
