import { acceptedResponse, badRequest, type BaseApp, noContent } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { contextOf, recordAudit, type RequestContext } from '../audit';
import { enqueueUserEvent } from '../outbox';
import { changePasswordBody, forgotPasswordBody, resetPasswordBody } from './passwordSchemas';
import { endSessions, revokeAllOfUser } from '../sessions';
import { claimOneTimeToken, generateOpaqueToken, issueOneTimeToken } from '../tokens';
import { findUserByEmail, loadActiveUser } from '../users';

export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

/** POST /auth/password/forgot, /reset and /change. */
export function registerPasswordRoutes(app: BaseApp, deps: AuthContext) {
  app.post(
    '/auth/password/forgot',
    {
      schema: authRoute({
        operationId: 'forgotPassword',
        summary: 'Send a password reset mail',
        description: 'Always 202, whether or not an account has this email (no account enumeration).',
        tags: ['password'],
        auth: 'public',
        body: forgotPasswordBody,
        response: { 202: acceptedResponse },
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_PASSWORD_FORGOT },
    },
    async (request, reply) => {
      const { email } = request.body;
      const context = contextOf(request);
      // The answer leaves before the account is even looked up: the same answer, at the same time,
      // whether or not the account exists. The token and its mail follow.
      deps.deferred.afterResponse(reply, 'password reset request', () => requestPasswordReset(deps, email, context));
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/password/reset',
    {
      schema: authRoute({
        operationId: 'resetPassword',
        summary: 'Set a new password with the token from the reset mail',
        description: 'Ends every session of the account.',
        tags: ['password'],
        auth: 'public',
        body: resetPasswordBody,
        response: { 204: noContent },
        errors: ['INVALID_ONE_TIME_TOKEN'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_PASSWORD_RESET },
    },
    async (request, reply) => {
      const { token, password } = request.body;
      const context = contextOf(request);
      const passwordHash = await deps.passwords.hash(password);
      const invalid = () => badRequest('INVALID_TOKEN', 'the reset token is invalid, used or expired');
      let endedSessions: string[] = [];
      const userEmail = await deps.prisma.$transaction(async (tx) => {
        const userId = await claimOneTimeToken(tx.passwordResetToken, token);
        const user = userId ? await tx.user.findUnique({ where: { id: userId } }) : null;
        if (!user || user.status !== 'active') throw invalid();
        await tx.user.update({ where: { id: user.id }, data: { passwordHash, version: { increment: 1 } } });
        const revoked = await revokeAllOfUser(tx, user.id, 'password_reset');
        endedSessions = revoked.families;
        await recordAudit(tx, context, {
          event: 'password_reset',
          userId: user.id,
          details: { revokedTokens: revoked.count },
        });
        return user.email;
      });
      await endSessions(deps, endedSessions, request.log);
      // Whoever held the old password is out; the owner may log in at once.
      if (userEmail) await deps.lockout.recordSuccess(userEmail);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password/change',
    {
      preHandler: deps.authenticate,
      schema: authRoute({
        operationId: 'changePassword',
        summary: 'Change the password',
        description: 'The caller’s session stays signed in; every other session ends.',
        tags: ['password'],
        auth: 'bearer',
        body: changePasswordBody,
        response: { 204: noContent },
        errors: ['INVALID_CURRENT_PASSWORD'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_PASSWORD_CHANGE },
    },
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      const user = await loadActiveUser(deps.prisma, request);
      if (!(await deps.passwords.verify(user.passwordHash, currentPassword))) {
        throw badRequest('INVALID_CURRENT_PASSWORD', 'the current password is incorrect', [
          { field: 'body.currentPassword', message: 'incorrect' },
        ]);
      }
      const passwordHash = await deps.passwords.hash(newPassword);
      const { families } = await deps.prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash, version: { increment: 1 } } });
        // Other sessions end; the one that changed the password stays signed in.
        const revoked = await revokeAllOfUser(tx, user.id, 'password_changed', request.principal!.sessionId);
        await recordAudit(tx, contextOf(request), {
          event: 'password_changed',
          userId: user.id,
          details: { revokedTokens: revoked.count },
        });
        return revoked;
      });
      await endSessions(deps, families, request.log);
      return reply.code(204).send(null);
    },
  );
}

/** The reset token and its mail for an active account with this email; nothing for any other. */
async function requestPasswordReset(deps: AuthContext, email: string, context: RequestContext) {
  const token = generateOpaqueToken();
  const mailed = await deps.prisma.$transaction(async (tx) => {
    const user = await findUserByEmail(tx, email);
    if (!user || user.status !== 'active' || !user.email) return false;
    const { expiresAt } = await issueOneTimeToken(tx.passwordResetToken, {
      userId: user.id,
      ttlMs: PASSWORD_RESET_TTL_MS,
      token,
    });
    await enqueueUserEvent(tx, {
      type: 'user.password.reset.requested',
      user,
      correlationId: context.correlationId,
      payload: { email: user.email, displayName: user.displayName, token, expiresAt: expiresAt.toISOString() },
    });
    await recordAudit(tx, context, { event: 'password_reset_requested', userId: user.id });
    return true;
  });
  if (mailed) deps.nudgeRelay();
}
