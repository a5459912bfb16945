import { type BaseApp, noContent, unauthorized } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { contextOf, recordAudit } from '../audit';
import { endSessions, findRefreshToken, issueSession, markRotated, revokeAllOfUser, revokeFamily } from '../sessions';
import { findUserById } from '../users';
import { refreshBody, sessionResponse } from './authSchemas';

const invalidRefreshToken = () =>
  unauthorized('INVALID_REFRESH_TOKEN', 'the refresh token is invalid, expired or revoked');

class ReuseDetected extends Error {}

/** POST /auth/refresh (rotation with reuse detection), /auth/logout and /auth/logout-all. */
export function registerRefreshRoutes(app: BaseApp, deps: AuthContext) {
  app.post(
    '/auth/refresh',
    {
      schema: authRoute({
        operationId: 'refreshSession',
        summary: 'Exchange a refresh token for a new pair (rotation)',
        description:
          'The refresh token is single-use: the answer carries its successor. Presenting a token that was ' +
          'already rotated is taken as theft: the whole family is revoked and its sessions end.',
        tags: ['auth'],
        auth: 'public',
        body: refreshBody,
        response: { 200: sessionResponse },
        errors: ['INVALID_REFRESH_TOKEN'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_REFRESH },
    },
    async (request) => {
      const { refreshToken } = request.body;
      const context = contextOf(request);
      const presented = await findRefreshToken(deps.prisma, refreshToken);
      if (!presented) throw invalidRefreshToken();
      try {
        return await deps.prisma.$transaction(async (tx) => {
          if (presented.revokedReason === 'rotated') throw new ReuseDetected();
          if (presented.revokedAt || presented.expiresAt <= new Date()) throw invalidRefreshToken();
          const user = await findUserById(tx, presented.userId);
          if (!user || user.status !== 'active') throw invalidRefreshToken();
          const next = await issueSession(deps, tx, user, presented.familyId);
          // Conditional update: of two concurrent uses of one token, only one may rotate it.
          if (!(await markRotated(tx, presented.id, next.refreshRow.id))) throw new ReuseDetected();
          return next.session;
        });
      } catch (error) {
        if (!(error instanceof ReuseDetected)) throw error;
        // Outside the rolled-back transaction: the revocation and its audit row must stick.
        const revoked = await deps.prisma.$transaction(async (tx) => {
          const { count, families } = await revokeFamily(tx, presented.familyId, 'reuse_detected');
          await recordAudit(tx, context, {
            event: 'refresh_token_reused',
            userId: presented.userId,
            details: { familyId: presented.familyId, revokedTokens: count },
          });
          return { count, families };
        });
        await endSessions(deps, revoked.families, request.log);
        request.log.warn(
          { userId: presented.userId, familyId: presented.familyId, revoked: revoked.count },
          'refresh token reuse',
        );
        throw invalidRefreshToken();
      }
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: authRoute({
        operationId: 'logout',
        summary: 'End the session of a refresh token',
        description: 'Idempotent: an unknown or spent token also answers 204.',
        tags: ['auth'],
        auth: 'public',
        body: refreshBody,
        response: { 204: noContent },
      }),
    },
    async (request, reply) => {
      const { refreshToken } = request.body;
      const presented = await findRefreshToken(deps.prisma, refreshToken);
      // Idempotent: logging out with an unknown or spent token is not an error worth telling.
      if (presented) {
        const { families } = await deps.prisma.$transaction(async (tx) => {
          const revoked = await revokeFamily(tx, presented.familyId, 'logout');
          await recordAudit(tx, contextOf(request), { event: 'logout', userId: presented.userId });
          return revoked;
        });
        await endSessions(deps, families, request.log);
      }
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/logout-all',
    {
      preHandler: deps.authenticate,
      schema: authRoute({
        operationId: 'logoutEverywhere',
        summary: 'End every session of the caller',
        description: 'Every refresh token is revoked; access tokens of those sessions are refused at once.',
        tags: ['auth'],
        auth: 'bearer',
        response: { 204: noContent },
      }),
    },
    async (request, reply) => {
      const userId = request.principal!.userId;
      const { families } = await deps.prisma.$transaction(async (tx) => {
        const revoked = await revokeAllOfUser(tx, userId, 'logout_all');
        await recordAudit(tx, contextOf(request), {
          event: 'logout_all',
          userId,
          details: { revokedTokens: revoked.count },
        });
        return revoked;
      });
      await endSessions(deps, families, request.log);
      return reply.code(204).send(null);
    },
  );
}
