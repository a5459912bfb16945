import { acceptedResponse, badRequest, type BaseApp, conflict } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { contextOf, recordAudit } from '../audit';
import { verifyEmailBody } from './emailSchemas';
import { enqueueUserEvent } from '../outbox';
import { claimOneTimeToken } from '../tokens';
import { loadActiveUser, toUserView, userViewSchema, withRoles } from '../users';
import { requestEmailVerification } from './emailVerification';

const invalidToken = () => badRequest('INVALID_TOKEN', 'the verification token is invalid, used or expired');

/** POST /auth/email/verification (a new mail) and POST /auth/email/verify (the token from it). */
export function registerEmailRoutes(app: BaseApp, deps: AuthContext) {
  app.post(
    '/auth/email/verification',
    {
      preHandler: deps.authenticate,
      schema: authRoute({
        operationId: 'requestEmailVerification',
        summary: 'Send a new verification mail',
        description: 'The new link supersedes any earlier one.',
        tags: ['email'],
        auth: 'bearer',
        response: { 202: acceptedResponse },
        errors: ['EMAIL_ALREADY_VERIFIED'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_EMAIL_VERIFICATION },
    },
    async (request, reply) => {
      const user = await loadActiveUser(deps.prisma, request);
      if (user.emailVerifiedAt) throw conflict('EMAIL_ALREADY_VERIFIED', 'the email is already verified');
      await deps.prisma.$transaction((tx) => requestEmailVerification(tx, user, contextOf(request)));
      deps.nudgeRelay();
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/email/verify',
    {
      schema: authRoute({
        operationId: 'verifyEmail',
        summary: 'Verify the email address with the token from the mail',
        description: 'Publishes `user.email.verified`. Verifying an already verified address again answers 200.',
        tags: ['email'],
        auth: 'public',
        body: verifyEmailBody,
        response: { 200: userViewSchema },
        errors: ['INVALID_ONE_TIME_TOKEN'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_EMAIL_VERIFY },
    },
    async (request) => {
      const { token } = request.body;
      const context = contextOf(request);
      const user = await deps.prisma.$transaction(async (tx) => {
        const now = new Date();
        const userId = await claimOneTimeToken(tx.emailVerificationToken, token, now);
        const current = userId ? await tx.user.findUnique({ where: { id: userId } }) : null;
        if (!current || current.status !== 'active' || !current.email) throw invalidToken();
        if (current.emailVerifiedAt)
          return tx.user.findUniqueOrThrow({ where: { id: current.id }, include: withRoles });
        const verified = await tx.user.update({
          where: { id: current.id },
          data: { emailVerifiedAt: now, version: { increment: 1 } },
          include: withRoles,
        });
        await enqueueUserEvent(tx, {
          type: 'user.email.verified',
          user: verified,
          correlationId: context.correlationId,
          payload: { email: current.email, verifiedAt: now.toISOString() },
        });
        await recordAudit(tx, context, { event: 'email_verified', userId: verified.id });
        return verified;
      });
      deps.nudgeRelay();
      return toUserView(user);
    },
  );
}
