import { conflict, notFound } from '@platform/shared/http';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../infrastructure/context';
import { contextOf, recordAudit } from '../audit';
import { enqueueUserEvent } from '../outbox';
import { endSessions, revokeAllOfUser } from '../sessions';
import { withRoles } from '../users';

/**
 * Deactivates (revoking every refresh token) or reactivates an account, with its event and audit
 * row in one transaction. Asking for the state the account is already in changes nothing and
 * publishes nothing.
 */
export async function setUserStatus(
  deps: Pick<AuthContext, 'prisma' | 'nudgeRelay' | 'revocations' | 'config'>,
  request: FastifyRequest,
  id: string,
  action: 'deactivate' | 'reactivate',
  reason: string | null,
) {
  const actorId = request.principal!.userId;
  if (id === actorId && action === 'deactivate')
    throw conflict('CANNOT_DEACTIVATE_SELF', 'an admin cannot deactivate themselves');
  const context = contextOf(request);
  const target = action === 'deactivate' ? 'deactivated' : 'active';
  let endedSessions: string[] = [];
  const user = await deps.prisma.$transaction(async (tx) => {
    const current = await tx.user.findUnique({ where: { id }, include: withRoles });
    if (!current || current.status === 'deleted') throw notFound('USER_NOT_FOUND', 'no such user');
    if (current.status === target) return current;
    const now = new Date();
    const updated = await tx.user.update({
      where: { id },
      data: { status: target, deactivatedAt: action === 'deactivate' ? now : null, version: { increment: 1 } },
      include: withRoles,
    });
    if (action === 'deactivate') {
      const revoked = await revokeAllOfUser(tx, id, 'deactivated');
      endedSessions = revoked.families;
      await enqueueUserEvent(tx, {
        type: 'user.deactivated',
        user: updated,
        correlationId: context.correlationId,
        payload: { deactivatedAt: now.toISOString(), reason },
      });
      await recordAudit(tx, context, {
        event: 'user_deactivated',
        userId: id,
        actorId,
        details: { revokedTokens: revoked.count, reason },
      });
    } else {
      await enqueueUserEvent(tx, {
        type: 'user.reactivated',
        user: updated,
        correlationId: context.correlationId,
        payload: { reactivatedAt: now.toISOString() },
      });
      await recordAudit(tx, context, { event: 'user_reactivated', userId: id, actorId });
    }
    return updated;
  });
  await endSessions(deps, endedSessions, request.log);
  deps.nudgeRelay();
  return user;
}
