import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

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

/**
 * A verifier of access tokens against a key set (a local JWKS in the auth-service, the remote
 * JWKS elsewhere): signature, algorithm allow-list, issuer, audience, expiry and claim shapes.
 * @example const verify = createAccessTokenVerifier({ keys: createRemoteJWKSet(new URL(jwksUrl)), issuer })
 */
export function createAccessTokenVerifier(options: { keys: JWTVerifyGetKey; issuer: string; audience?: string }) {
  return async function verifyAccessToken(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        algorithms: [...ACCESS_TOKEN_ALGORITHMS],
        issuer: options.issuer,
        audience: options.audience ?? ACCESS_TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 5,
      });
      const claims = accessTokenClaimsSchema.safeParse(payload);
      if (!claims.success) throw new InvalidAccessTokenError('claims do not match the expected shape');
      return {
        userId: claims.data.sub,
        roles: claims.data.roles,
        ...(claims.data.sid ? { sessionId: claims.data.sid } : {}),
      };
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw error;
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
