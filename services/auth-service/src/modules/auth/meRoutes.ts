import { badRequest, type BaseApp, noContent } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { contextOf, recordAudit } from '../audit';
import { enqueueUserEvent } from '../outbox';
import { endSessions } from '../sessions';
import { loadActiveUser, toUserView, userViewSchema } from '../users';
import { deleteAccountBody } from './authSchemas';

/** GET /auth/me and DELETE /auth/me (erasure, confirmed by the password). */
export function registerMeRoutes(app: BaseApp, deps: AuthContext) {
  app.get(
    '/auth/me',
    {
      preHandler: deps.authenticate,
      schema: authRoute({
        operationId: 'getMe',
        summary: 'The caller’s account',
        tags: ['auth'],
        auth: 'bearer',
        response: { 200: userViewSchema },
      }),
    },
    async (request) => toUserView(await loadActiveUser(deps.prisma, request)),
  );

  app.delete(
    '/auth/me',
    {
      preHandler: deps.authenticate,
      schema: authRoute({
        operationId: 'deleteMe',
        summary: 'Delete the account (confirmed by its password)',
        description:
          'Erases the email, name and password at once, ends every session and publishes `user.deleted`, which ' +
          'erases the profile on the user-service. The id stays as a tombstone; it cannot be undone.',
        tags: ['auth'],
        auth: 'bearer',
        body: deleteAccountBody,
        response: { 204: noContent },
        errors: ['INVALID_PASSWORD'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_ACCOUNT_DELETE },
    },
    async (request, reply) => {
      const { password } = request.body;
      const user = await loadActiveUser(deps.prisma, request);
      if (!(await deps.passwords.verify(user.passwordHash, password))) {
        throw badRequest('INVALID_PASSWORD', 'the password is incorrect', [
          { field: 'body.password', message: 'incorrect' },
        ]);
      }
      const context = contextOf(request);
      const deletedAt = new Date();
      const sessions = await deps.prisma.$transaction(async (tx) => {
        const live = await tx.refreshToken.findMany({
          where: { userId: user.id, revokedAt: null },
          select: { familyId: true },
          distinct: ['familyId'],
        });
        // Soft delete: the row stays as a tombstone (id, status, version) so events keep their order
        // and the audit trail its subject; everything personal or secret goes.
        const deleted = await tx.user.update({
          where: { id: user.id },
          data: {
            status: 'deleted',
            email: null,
            displayName: null,
            passwordHash: null,
            emailVerifiedAt: null,
            deletedAt,
            version: { increment: 1 },
          },
        });
        await tx.refreshToken.deleteMany({ where: { userId: user.id } });
        await tx.passwordResetToken.deleteMany({ where: { userId: user.id } });
        await tx.emailVerificationToken.deleteMany({ where: { userId: user.id } });
        await tx.userRole.deleteMany({ where: { userId: user.id } });
        await enqueueUserEvent(tx, {
          type: 'user.deleted',
          user: deleted,
          correlationId: context.correlationId,
          payload: { deletedAt: deletedAt.toISOString() },
        });
        await recordAudit(tx, context, { event: 'account_deleted', userId: user.id });
        return live.map((row) => row.familyId);
      });
      await endSessions(deps, sessions, request.log);
      deps.nudgeRelay();
      return reply.code(204).send(null);
    },
  );
}
