import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '../../infrastructure/database';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens';

export type RevokeReason =
  | 'rotated'
  | 'logout'
  | 'logout_all'
  | 'reuse_detected'
  | 'password_changed'
  | 'password_reset'
  | 'deactivated'
  | 'roles_changed'
  | 'deleted';

/**
 * Refresh tokens: 256-bit random, stored only as SHA-256, one family per login. Rotation revokes
 * the presented token and links it to its successor; a rotated token presented again means it
 * was stolen (or replayed), so the whole family is revoked.
 */
export async function createRefreshToken(
  tx: Pick<Tx, 'refreshToken'>,
  input: { userId: string; familyId?: string; ttlDays: number },
) {
  const token = generateOpaqueToken();
  const row = await tx.refreshToken.create({
    data: {
      id: uuidv7(),
      userId: input.userId,
      familyId: input.familyId ?? uuidv7(),
      tokenHash: hashOpaqueToken(token),
      expiresAt: new Date(Date.now() + input.ttlDays * 24 * 60 * 60 * 1000),
    },
  });
  return { token, row };
}

export function findRefreshToken(tx: Pick<Tx, 'refreshToken'>, token: string) {
  return tx.refreshToken.findUnique({ where: { tokenHash: hashOpaqueToken(token) } });
}

/** Marks `id` as rotated into `replacedById`; false when someone else rotated or revoked it first. */
export async function markRotated(tx: Pick<Tx, 'refreshToken'>, id: string, replacedById: string) {
  const { count } = await tx.refreshToken.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: 'rotated', replacedById },
  });
  return count === 1;
}

/** Revokes a family's live refresh tokens; its access tokens end with `endSessions` after the commit. */
export async function revokeFamily(tx: Pick<Tx, 'refreshToken'>, familyId: string, reason: RevokeReason) {
  const { count } = await tx.refreshToken.updateMany({
    where: { familyId, revokedAt: null },
    data: { revokedAt: new Date(), revokedReason: reason },
  });
  return { count, families: [familyId] };
}

/**
 * Revokes every live refresh token of a user, except those of `keepFamilyId` (the caller's own
 * session), and returns the sessions (families) it ended, for `endSessions` after the commit.
 */
export async function revokeAllOfUser(
  tx: Pick<Tx, 'refreshToken'>,
  userId: string,
  reason: RevokeReason,
  keepFamilyId?: string,
) {
  const where = { userId, revokedAt: null, ...(keepFamilyId ? { NOT: { familyId: keepFamilyId } } : {}) };
  const live = await tx.refreshToken.findMany({ where, select: { familyId: true }, distinct: ['familyId'] });
  const { count } = await tx.refreshToken.updateMany({ where, data: { revokedAt: new Date(), revokedReason: reason } });
  return { count, families: live.map((row) => row.familyId) };
}
