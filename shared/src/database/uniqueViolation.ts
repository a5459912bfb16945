/**
 * True for Prisma's unique-constraint violation (P2002), e.g. two registrations racing for one email.
 * Checked by name and code rather than `instanceof`: each service generates its own Prisma client,
 * with its own copy of the error class.
 * @example if (isUniqueViolation(error)) throw conflict('EMAIL_TAKEN', '…');
 */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'PrismaClientKnownRequestError' &&
    (error as Error & { code?: unknown }).code === 'P2002'
  );
}
