import type { FastifyBaseLogger as Logger } from 'fastify';
import { isUniqueViolation } from '@platform/shared/database';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../infrastructure/context';
import { recordAudit } from '../audit';
import { enqueueUserEvent } from '../outbox';
import { findUserByEmail } from '../users';

/**
 * Creates the first admin from AUTH_BOOTSTRAP_ADMIN_EMAIL / _PASSWORD at start, once: if an
 * account with that email exists (even if an admin later changed its roles), nothing changes.
 * Idempotent across restarts and concurrent instances (the unique email decides the race).
 */
export async function bootstrapAdmin(deps: Pick<AuthContext, 'config' | 'prisma' | 'passwords'>, logger: Logger) {
  const { AUTH_BOOTSTRAP_ADMIN_EMAIL: rawEmail, AUTH_BOOTSTRAP_ADMIN_PASSWORD: password } = deps.config;
  if (!rawEmail || !password) return;
  const email = rawEmail.trim().toLowerCase();
  if (await findUserByEmail(deps.prisma, email)) return;
  const passwordHash = await deps.passwords.hash(password);
  const context = { ip: null, userAgent: 'bootstrap', correlationId: `bootstrap-admin-${uuidv7()}` };
  try {
    await deps.prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          id: uuidv7(),
          email,
          passwordHash,
          // The operator chose this address; there is no one to send a verification mail to yet.
          emailVerifiedAt: new Date(),
          roles: { create: [{ roleName: 'user' }, { roleName: 'admin' }] },
        },
      });
      await enqueueUserEvent(tx, {
        type: 'user.created',
        user,
        correlationId: context.correlationId,
        payload: { email, displayName: null, roles: ['user', 'admin'], emailVerified: true },
      });
      await recordAudit(tx, context, { event: 'admin_bootstrapped', userId: user.id });
    });
    logger.info({ email }, 'bootstrap admin created');
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}
