import { createAccessTokenVerifier, createAuthenticate, type SessionRevocations } from '@platform/shared/auth';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { UserConfig } from './config';

/**
 * The Bearer preHandler of every /users route. Keys come from the auth-service JWKS: jose caches
 * them, refetches on an unknown kid (key rotation) with a cooldown, and the verifier checks
 * algorithm, iss, aud and expiry; a token verified once is remembered until it expires. Tests pass
 * a local key set instead. A token whose session the auth-service ended (logout, password change,
 * deactivation, a change of roles…) is refused at once (`revocations`, in the Redis both services
 * share). While the JWKS cannot be fetched, a token that needs it gets 503 naming `jwks`.
 */
export function createUserAuthentication(
  config: Pick<UserConfig, 'AUTH_JWKS_URL' | 'AUTH_ISSUER'>,
  revocations: Pick<SessionRevocations, 'isEnded'>,
  keys?: JWTVerifyGetKey,
) {
  const remote = keys
    ? undefined
    : createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), {
        cacheMaxAge: 10 * 60_000,
        cooldownDuration: 30_000,
        timeoutDuration: 5_000,
      });
  return {
    authenticate: createAuthenticate(createAccessTokenVerifier({ keys: keys ?? remote!, issuer: config.AUTH_ISSUER }), {
      revocations,
    }),
    /**
     * Readiness: the keys are at hand (fetched within their cache age, or fetched now). Fails exactly
     * when a token needing the JWKS would get a 503.
     */
    async checkKeys(): Promise<void> {
      if (remote && !remote.fresh) await remote.reload();
    },
  };
}
