import { AppError, forbidden } from '@platform/shared/http';
import type { Principal } from '@platform/shared/auth';
import type { FastifyRequest } from 'fastify';
import type { Prisma } from '../../infrastructure/database';
import type { ProfileCache } from './ProfileCache';
import type { ProfileView } from './profileSchemas';

/**
 * The profile is made from the user.created event, so for a moment after register a valid token
 * has no profile yet. The client gets a 404 it can recognise and a Retry-After, not a generic 404.
 */
export const profileNotReady = () =>
  new AppError(
    404,
    'PROFILE_NOT_FOUND',
    'no profile for this user yet; it is created right after registration, retry shortly',
    undefined,
    { 'retry-after': '1' },
  );

function refuseInactive(status: ProfileView['status']): void {
  if (status === 'deactivated') throw forbidden('PROFILE_DEACTIVATED', 'this account is deactivated');
  if (status === 'deleted') throw forbidden('PROFILE_DELETED', 'this account has been deleted');
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route registered without the authenticate hook');
  return request.principal;
}

/** For reads: the caller's own profile through the cache; 404 until created, 403 unless active. */
export async function requireActiveProfile(cache: ProfileCache, userId: string): Promise<ProfileView> {
  const profile = await cache.get(userId);
  if (!profile) throw profileNotReady();
  refuseInactive(profile.status);
  return profile;
}

/**
 * For writes, inside their transaction: locks the profile row, so a write cannot interleave with
 * the erasure of user.deleted (which updates the same row) and leave personal data behind.
 */
export async function lockActiveProfile(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ status: ProfileView['status'] }>>`
    SELECT status::text AS status FROM user_profiles WHERE id = ${userId}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) throw profileNotReady();
  refuseInactive(row.status);
}
