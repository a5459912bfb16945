import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { VerifiedTokenCache } from './VerifiedTokenCache';

/** Signature algorithms access tokens may use. Anything else (none, HS*) is rejected. */
export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA', 'ES256'] as const;
/** The `aud` of every access token the auth-service issues for this platform's APIs. */
export const ACCESS_TOKEN_AUDIENCE = 'user-platform-api';

export const roleSchema = z.enum(['user', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const accessTokenClaimsSchema = z.object({
  sub: z.uuid(),
  roles: z.array(roleSchema).min(1),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
  jti: z.string().optional(),
  /** The session (refresh-token family) the token belongs to; ending the session ends the token. */
  sid: z.string().min(1).max(100).optional(),
});
export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/** The caller an access token proves. */
export interface Principal {
  userId: string;
  roles: Role[];
  /** The token's session (claim `sid`), when it names one. */
  sessionId?: string;
}

export class InvalidAccessTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
    this.name = 'InvalidAccessTokenError';
  }
}

/** The key set could not be had (the JWKS endpoint down, slow or answering garbage): no verdict on the token. */
export class KeySetUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the access-token key set is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KeySetUnavailableError';
  }
}

/** Key-set errors that say something about the token (its kid names no key), not about the key set. */
const tokenKeyErrors = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/** Verified tokens kept per verifier unless told otherwise: a few MB at most. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * A verifier of access tokens against a key set (a local JWKS in the auth-service, the remote
 * JWKS elsewhere): signature, algorithm allow-list, issuer, audience, expiry and claim shapes. A
 * token verified once is remembered until its expiry (`cache`, a bounded LRU; `false`: none). A key
 * set that cannot be fetched is a KeySetUnavailableError, never a verdict on the token.
 * @example const verify = createAccessTokenVerifier({ keys: createRemoteJWKSet(new URL(jwksUrl)), issuer })
 */
export function createAccessTokenVerifier(options: {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience?: string;
  cache?: VerifiedTokenCache | false;
}) {
  const cache = options.cache ?? new VerifiedTokenCache(DEFAULT_VERIFIED_TOKEN_CACHE_SIZE);
  const keys: JWTVerifyGetKey = async (header, token) => {
    try {
      return await options.keys(header, token);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (error instanceof InvalidAccessTokenError || (typeof code === 'string' && tokenKeyErrors.has(code)))
        throw error;
      throw new KeySetUnavailableError(error);
    }
  };
  return async function verifyAccessToken(token: string): Promise<Principal> {
    const cached = cache ? cache.get(token) : undefined;
    if (cached) return cached;
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: [...ACCESS_TOKEN_ALGORITHMS],
        issuer: options.issuer,
        audience: options.audience ?? ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 5,
      });
      const claims = accessTokenClaimsSchema.safeParse(payload);
      if (!claims.success) throw new InvalidAccessTokenError('claims do not match the expected shape');
      const principal: Principal = {
        userId: claims.data.sub,
        roles: claims.data.roles,
        ...(claims.data.sid ? { sessionId: claims.data.sid } : {}),
      };
      if (cache) cache.set(token, principal, claims.data.exp);
      return principal;
    } catch (error) {
      if (error instanceof InvalidAccessTokenError || error instanceof KeySetUnavailableError) throw error;
      // By code, not instanceof: a key getter from another copy of jose (e.g. a service's own
      // createRemoteJWKSet) throws that copy's error classes.
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_JWT_EXPIRED') throw new InvalidAccessTokenError('expired');
      if (typeof code === 'string' && /^ERR_(JW[STKE]|JOSE)/.test(code)) throw new InvalidAccessTokenError(code);
      throw error;
    }
  };
}

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
