import { AppError, type BaseApp, tooManyRequests, unauthorized } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { auditRow, contextOf, recordAudit } from '../audit';
import { startSession } from '../sessions';
import { findUserForLogin } from '../users';
import { loginBody, sessionResponse } from './authSchemas';

const invalidCredentials = () => unauthorized('INVALID_CREDENTIALS', 'email or password is incorrect');

/**
 * POST /auth/login. Unknown email and wrong password give the same 401 after the same argon2
 * work; repeated failures lock the account for a growing while (429 with Retry-After). A success
 * costs one Redis call (the lockout state; a second only to forget earlier failures) and two SQL
 * statements (the user with roles; the session with its audit row) besides argon2.
 */
export function registerLoginRoute(app: BaseApp, deps: AuthContext) {
  app.post(
    '/auth/login',
    {
      schema: authRoute({
        operationId: 'login',
        summary: 'Log in with email and password',
        description:
          'An unknown email and a wrong password give the same 401. Repeated failures lock the email for a ' +
          'growing while (429 `ACCOUNT_LOCKED` with Retry-After).',
        tags: ['auth'],
        auth: 'public',
        body: loginBody,
        response: { 200: sessionResponse },
        errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DEACTIVATED', 'ACCOUNT_LOCKED'],
      }),
      config: { rateLimit: deps.config.AUTH_RATE_LIMIT_LOGIN },
    },
    async (request) => {
      const { email, password } = request.body;
      const context = contextOf(request);
      // Both at once: one round trip of waiting instead of two (a locked account costs a lookup more).
      const [lockout, user] = await Promise.all([deps.lockout.status(email), findUserForLogin(deps.pool, email)]);
      if (lockout.lockedForSeconds > 0) {
        deps.loginAttempts.inc({ outcome: 'locked' });
        throw tooManyRequests(lockout.lockedForSeconds, 'ACCOUNT_LOCKED', 'too many failed logins; try again later');
      }

      const valid = await deps.passwords.verify(user?.passwordHash, password);
      if (!user || !valid) {
        deps.loginAttempts.inc({ outcome: 'invalid_credentials' });
        const lockSeconds = await deps.lockout.recordFailure(email);
        await recordAudit(deps.prisma, context, {
          event: 'login_failed',
          userId: user?.id ?? null,
          details: { reason: user ? 'wrong_password' : 'unknown_email' },
        });
        if (lockSeconds > 0) {
          await recordAudit(deps.prisma, context, {
            event: 'account_locked',
            userId: user?.id ?? null,
            details: { seconds: lockSeconds },
          });
        }
        throw invalidCredentials();
      }
      if (user.status !== 'active') {
        // Only someone who knows the password learns that the account is deactivated.
        deps.loginAttempts.inc({ outcome: 'deactivated' });
        await recordAudit(deps.prisma, context, {
          event: 'login_failed',
          userId: user.id,
          details: { reason: 'deactivated' },
        });
        throw new AppError(403, 'ACCOUNT_DEACTIVATED', 'this account is deactivated');
      }

      if (lockout.failures > 0) await deps.lockout.recordSuccess(email);
      const session = await startSession(deps, user, auditRow(context, { event: 'login_succeeded', userId: user.id }));
      deps.loginAttempts.inc({ outcome: 'success' });
      return session;
    },
  );
}
