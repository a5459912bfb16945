import { acceptedResponse, type BaseApp, conflict } from '@platform/shared/http';
import { isUniqueViolation } from '@platform/shared/database';
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../infrastructure/context';
import type { Tx } from '../../infrastructure/database';
import { authRoute } from '../../infrastructure/routeDocs';
import { contextOf, recordAudit, type RequestContext } from '../audit';
import { emailVerificationRequest } from '../email';
import { enqueueUserEvent, enqueueUserEvents } from '../outbox';
import { issueSession } from '../sessions';
import { findUserByEmail, withRoles } from '../users';
import { registerBody, sessionResponse } from './authSchemas';

interface NewAccount {
  email: string;
  displayName: string | null;
  passwordHash: string;
}

/**
 * POST /auth/register. AUTH_REGISTRATION_ENUMERATION says what a taken email gets:
 * - `reveal` (default): 201 with a session for a new account, 409 EMAIL_TAKEN for a taken email;
 * - `conceal`: 202 for both, at the same time (the password is hashed either way, the rest happens
 *   after the answer); a new account gets its verification mail, the owner of a taken email a mail
 *   saying someone tried (user.registration.attempted). The client signs in afterwards.
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
          'verification mail. The user-service creates the profile from the `user.created` event moments later. ' +
          'Where the service runs with AUTH_REGISTRATION_ENUMERATION=conceal, a new and a taken email both get ' +
          '202 and no session (sign in afterwards); the owner of a taken email gets a mail instead of a 409.',
        tags: ['auth'],
        auth: 'public',
        body: registerBody,
        response: { 201: sessionResponse, 202: acceptedResponse },
        errors: ['EMAIL_TAKEN'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_REGISTER },
    },
    async (request, reply) => {
      const { email, password, displayName } = request.body;
      const context = contextOf(request);
      const account = { email, displayName: displayName ?? null, passwordHash: await deps.passwords.hash(password) };
      if (deps.config.AUTH_REGISTRATION_ENUMERATION === 'conceal') {
        deps.deferred.afterResponse(reply, 'registration', () => registerConcealed(deps, account, context));
        return reply.code(202).send({ status: 'accepted' as const });
      }
      try {
        const session = await deps.prisma.$transaction(async (tx) => {
          const user = await createAccount(tx, account, context);
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

/**
 * The account, its `user` role, and two events in one transaction: user.created and the first
 * user.email.verification.requested (the mail a new user expects).
 */
async function createAccount(tx: Tx, { email, displayName, passwordHash }: NewAccount, context: RequestContext) {
  const user = await tx.user.create({
    data: { id: uuidv7(), email, displayName, passwordHash, roles: { create: [{ roleName: 'user' }] } },
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
  return user;
}

/** After a concealed answer: the new account, or for a taken email a mail to its (active) owner. */
async function registerConcealed(deps: AuthContext, account: NewAccount, context: RequestContext) {
  try {
    await deps.prisma.$transaction((tx) => createAccount(tx, account, context));
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await deps.prisma.$transaction(async (tx) => {
      const owner = await findUserByEmail(tx, account.email);
      if (!owner || owner.status !== 'active' || !owner.email) return;
      await enqueueUserEvent(tx, {
        type: 'user.registration.attempted',
        user: owner,
        correlationId: context.correlationId,
        payload: { email: owner.email, displayName: owner.displayName, attemptedAt: new Date().toISOString() },
      });
      await recordAudit(tx, context, { event: 'registration_with_taken_email', userId: owner.id });
    });
  }
  deps.nudgeRelay();
}
