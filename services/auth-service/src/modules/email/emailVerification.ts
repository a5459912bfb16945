import type { Tx } from '../../infrastructure/database';
import { recordAudit, type AuditEntry, type RequestContext } from '../audit';
import { enqueueUserEvent, type OutboxEntry } from '../outbox';
import { issueOneTimeToken } from '../tokens';

export const EMAIL_VERIFICATION_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Issues a one-time verification token (24 h, stored hashed), invalidates earlier unused ones and
 * enqueues user.email.verification.requested, whose consumer mails the token. No users row
 * changes, so the event carries the current version.
 */
export async function requestEmailVerification(
  tx: Pick<Tx, 'emailVerificationToken' | 'outboxEvent' | 'securityAuditLog'>,
  user: { id: string; version: number; email: string | null; displayName: string | null },
  context: RequestContext,
) {
  const { event, audit } = await emailVerificationRequest(tx, user, context);
  await enqueueUserEvent(tx, event);
  await recordAudit(tx, context, audit);
}

/**
 * The token of requestEmailVerification, issued, and the event and audit entry to write, for a
 * caller that writes them together with its own (registration: one statement each).
 */
export async function emailVerificationRequest(
  tx: Pick<Tx, 'emailVerificationToken'>,
  user: { id: string; version: number; email: string | null; displayName: string | null },
  context: RequestContext,
  { firstForUser = false } = {},
): Promise<{ event: OutboxEntry<'user.email.verification.requested'>; audit: AuditEntry }> {
  if (!user.email) throw new Error('a deleted account cannot verify an email');
  const { token, expiresAt } = await issueOneTimeToken(tx.emailVerificationToken, {
    userId: user.id,
    ttlMs: EMAIL_VERIFICATION_TTL_MS,
    firstForUser,
  });
  return {
    event: {
      type: 'user.email.verification.requested',
      user,
      correlationId: context.correlationId,
      payload: { email: user.email, displayName: user.displayName, token, expiresAt: expiresAt.toISOString() },
    },
    audit: { event: 'email_verification_requested', userId: user.id },
  };
}
