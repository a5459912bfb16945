import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../http/errors';
import { InvalidAccessTokenError, type AccessTokenVerifier, type Principal, type Role } from './accessToken';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` preHandler. */
    principal?: Principal;
  }
}

/**
 * A preHandler that requires `Authorization: Bearer <access token>` and sets request.principal.
 * A missing or bad token is a 401 with WWW-Authenticate, never a 500; the reason is not echoed.
 */
export function createAuthenticate(verify: AccessTokenVerifier) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply) {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header) : null;
    if (!match) throw unauthenticated('MISSING_TOKEN', 'a Bearer access token is required');
    try {
      request.principal = await verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        request.log.info({ reason: error.reason }, 'access token rejected');
        throw unauthenticated('INVALID_TOKEN', 'the access token is invalid or expired');
      }
      throw error;
    }
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
