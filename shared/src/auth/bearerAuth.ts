import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, dependencyUnavailable, forbidden } from '../http/errors';
import {
  InvalidAccessTokenError,
  KeySetUnavailableError,
  type AccessTokenVerifier,
  type Principal,
  type Role,
} from './accessToken';
import type { SessionRevocations } from './sessionRevocations';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` preHandler. */
    principal?: Principal;
  }
}

/**
 * A preHandler that requires `Authorization: Bearer <access token>` and sets request.principal.
 * A missing or bad token is a 401 with WWW-Authenticate, never a 500; the reason is not echoed.
 * With `revocations`, a token whose session has ended (logout, password change, deactivation, a
 * change of roles…) is a 401 TOKEN_REVOKED at once. If Redis cannot answer, an ordinary user goes
 * on (the token expires within its lifetime anyway) but an admin token is refused with 503
 * DEPENDENCY_UNAVAILABLE (redis): admin power is never granted on a session that might have ended.
 * A key set that cannot be fetched (the auth-service's JWKS) is a 503 naming `jwks`, not a 401: the
 * token may well be valid.
 */
export function createAuthenticate(
  verify: AccessTokenVerifier,
  options: { revocations?: Pick<SessionRevocations, 'isEnded'> } = {},
) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header) : null;
    if (!match) throw unauthenticated('MISSING_TOKEN', 'a Bearer access token is required');
    let principal: Principal;
    try {
      principal = await verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        request.log.info({ reason: error.reason }, 'access token rejected');
        throw unauthenticated('INVALID_TOKEN', 'the access token is invalid or expired');
      }
      if (error instanceof KeySetUnavailableError) {
        request.log.warn({ err: error.cause }, 'access-token key set unavailable');
        throw dependencyUnavailable('jwks');
      }
      throw error;
    }
    if (options.revocations && principal.sessionId) {
      let ended: boolean;
      try {
        ended = await options.revocations.isEnded(principal.sessionId);
      } catch (error) {
        request.log.warn({ err: error }, 'session revocation check unavailable');
        if (principal.roles.includes('admin')) throw dependencyUnavailable('redis');
        ended = false;
      }
      if (ended) throw unauthenticated('TOKEN_REVOKED', 'the session of this access token has ended');
    }
    request.principal = principal;
  };
}

/** A preHandler (after authenticate) that requires one of the roles. */
export function requireRole(...roles: Role[]) {
  return async function checkRole(request: FastifyRequest) {
    if (!request.principal?.roles.some((role) => roles.includes(role))) {
      throw forbidden('FORBIDDEN', `requires role ${roles.join(' or ')}`);
    }
  };
}

function unauthenticated(code: string, message: string) {
  return new AppError(401, code, message, undefined, { 'www-authenticate': 'Bearer' });
}
