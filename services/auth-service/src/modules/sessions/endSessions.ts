import type { FastifyBaseLogger } from 'fastify';
import type { AuthContext } from '../../infrastructure/context';

/**
 * After the commit that revoked their refresh tokens: ends the sessions' access tokens on every
 * service at once (see createSessionRevocations). If Redis is down the revocation is logged and the
 * tokens end when they expire (ACCESS_TOKEN_TTL_SECONDS); the refresh tokens are revoked either way.
 */
export async function endSessions(
  deps: Pick<AuthContext, 'revocations' | 'config'>,
  families: readonly string[],
  logger: FastifyBaseLogger,
) {
  if (families.length === 0) return;
  try {
    await deps.revocations.end(families, deps.config.ACCESS_TOKEN_TTL_SECONDS);
  } catch (error) {
    logger.error(
      { err: error, sessions: families.length },
      'ending sessions in redis failed: their access tokens stay valid until they expire',
    );
  }
}
