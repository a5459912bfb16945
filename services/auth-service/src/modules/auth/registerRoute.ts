import { type BaseApp, conflict } from '@platform/shared/http';
import { isUniqueViolation } from '@platform/shared/database';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
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
      schema: authRoute({
        operationId: 'register',
        summary: 'Create an account',
        description:
          'Creates the account with the role `user`, signs it in (the same tokens as a login) and sends a ' +
          'verification mail. The user-service creates the profile from the `user.created` event moments later.',
        tags: ['auth'],
        auth: 'public',
        body: registerBody,
        response: { 201: sessionResponse },
        errors: ['EMAIL_TAKEN'],
      }),
      config: { rateLimit: { points: 10, durationSeconds: 600 } },
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
