import { type BaseApp, conflict, errorResponse } from '@platform/shared/http';
import { isUniqueViolation } from '@platform/shared/database';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../infrastructure/context';
import { contextOf, recordAudit } from '../audit';
import { emailVerificationRequest } from '../email';
import { enqueueUserEvents } from '../outbox';
import { issueSession } from '../sessions';
import { withRoles } from '../users';
import { registerBody, sessionResponse } from './authSchemas';

/**
 * POST /auth/register: the account, its `user` role, a session, and two events in one
 * transaction: user.created and the first user.email.verification.requested (the mail a new
 * user expects).
 */
export function registerRegisterRoute(app: BaseApp, deps: AuthContext) {
  app.post(
    '/auth/register',
    {
      schema: {
        tags: ['auth'],
        body: registerBody,
        response: { 201: sessionResponse, 400: errorResponse, 409: errorResponse, 429: errorResponse },
      },
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_REGISTER },
    },
    async (request, reply) => {
      const { email, password, displayName } = request.body;
      const context = contextOf(request);
      const passwordHash = await deps.passwords.hash(password);
      try {
        const session = await deps.prisma.$transaction(async (tx) => {
          const user = await tx.user.create({
            data: {
              id: uuidv7(),
              email,
              displayName: displayName ?? null,
              passwordHash,
              roles: { create: [{ roleName: 'user' }] },
            },
            include: withRoles,
          });
          // Few statements: this transaction is the first part of the register→profile latency.
          const verification = await emailVerificationRequest(tx, user, context, { firstForUser: true });
          await enqueueUserEvents(tx, [
            {
              type: 'user.created',
              user,
              correlationId: context.correlationId,
              payload: { email, displayName: user.displayName, roles: ['user'], emailVerified: false },
            },
            verification.event,
          ]);
          await recordAudit(tx, context, { event: 'user_registered', userId: user.id }, verification.audit);
          return (await issueSession(deps, tx, user)).session;
        });
        deps.nudgeRelay();
        return reply.code(201).send(session);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('EMAIL_TAKEN', 'an account with this email already exists');
        throw error;
      }
    },
  );
}
