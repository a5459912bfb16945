import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_AUDIENCE, createAccessTokenVerifier, type Role } from '@platform/shared/auth';
import { SignJWT } from 'jose';
import { SIGNING_ALGORITHM, type SigningKeys } from './signingKeys';

/**
 * Issues access tokens (EdDSA, with iss, aud, sub, roles and the signing key's kid) and verifies
 * them against every published key, so tokens of a retiring key stay valid during rotation.
 */
export function createAccessTokens({
  keys,
  issuer,
  ttlSeconds,
}: {
  keys: SigningKeys;
  issuer: string;
  ttlSeconds: number;
}) {
  return {
    ttlSeconds,
    /** `sessionId` (claim `sid`) is the refresh-token family, so "sign out other sessions" can keep this one. */
    issue: (user: { id: string; roles: Role[]; sessionId: string }) =>
      new SignJWT({ roles: user.roles, sid: user.sessionId })
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: keys.activeKid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject(user.id)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(randomUUID())
        .sign(keys.privateKey),
    verify: createAccessTokenVerifier({ keys: keys.jwks, issuer }),
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
