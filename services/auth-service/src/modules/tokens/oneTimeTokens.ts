import { v7 as uuidv7 } from 'uuid';
import { generateOpaqueToken, hashOpaqueToken } from './opaqueTokens';

/**
 * One-time tokens for the mailed links (email verification, password reset): stored only hashed,
 * short-lived, and a new one voids the user's earlier unused ones.
 */

/** The part of tx.emailVerificationToken / tx.passwordResetToken these helpers use. */
interface OneTimeTokenRows {
  findUnique(args: {
    where: { tokenHash: string };
  }): PromiseLike<{ id: string; userId: string; usedAt: Date | null; expiresAt: Date } | null>;
  updateMany(args: {
    where: { id?: string; userId?: string; usedAt: null };
    data: { usedAt: Date };
  }): PromiseLike<{ count: number }>;
  create(args: { data: { id: string; userId: string; tokenHash: string; expiresAt: Date } }): PromiseLike<unknown>;
}

/** Stores a new token for the user, valid for `ttlMs`, and voids the earlier unused ones. */
export async function issueOneTimeToken(
  rows: OneTimeTokenRows,
  { userId, ttlMs, token = generateOpaqueToken(), now = new Date(), firstForUser = false }: IssueOptions,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  if (!firstForUser) await rows.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
  await rows.create({ data: { id: uuidv7(), userId, tokenHash: hashOpaqueToken(token), expiresAt } });
  return { token, expiresAt };
}

interface IssueOptions {
  userId: string;
  ttlMs: number;
  /** Pass one generated before the transaction when the caller must do the same work either way. */
  token?: string;
  now?: Date;
  /** The user was created in this transaction: there is no earlier token to void. */
  firstForUser?: boolean;
}

/**
 * Marks the token used and returns its user id; null when it is unknown, used or expired. The claim
 * is conditional, so of two concurrent uses only one succeeds.
 */
export async function claimOneTimeToken(rows: OneTimeTokenRows, token: string, now = new Date()) {
  const row = await rows.findUnique({ where: { tokenHash: hashOpaqueToken(token) } });
  if (!row || row.usedAt || row.expiresAt <= now) return null;
  const claimed = await rows.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  return claimed.count === 1 ? row.userId : null;
}
