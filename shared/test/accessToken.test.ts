import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, createAccessTokenVerifier, InvalidAccessTokenError } from '../src/auth';

const issuer = 'https://auth.example.test';
const userId = '0b5f4c7e-3f53-4f8e-9a3e-2d9d1d0c6a11';

async function makeKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { privateKey, jwk };
}

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

function sign(
  privateKey: PrivateKey,
  kid: string,
  overrides: { aud?: string; exp?: string | number; roles?: string[] } = {},
) {
  return new SignJWT({ roles: overrides.roles ?? ['user'] })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setSubject(userId)
    .setIssuer(issuer)
    .setAudience(overrides.aud ?? ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? '15m')
    .sign(privateKey);
}

function base64url(value: object | string) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

describe('access token verifier', () => {
  let key: Awaited<ReturnType<typeof makeKey>>;
  let verify: ReturnType<typeof createAccessTokenVerifier>;

  beforeAll(async () => {
    key = await makeKey('k1');
    verify = createAccessTokenVerifier({ keys: createLocalJWKSet({ keys: [key.jwk] }), issuer });
  });

  it('accepts a token signed by a published key', async () => {
    await expect(verify(await sign(key.privateKey, 'k1', { roles: ['user', 'admin'] }))).resolves.toEqual({
      userId,
      roles: ['user', 'admin'],
    });
  });

  it('rejects alg none', async () => {
    const header = base64url({ alg: 'none', kid: 'k1' });
    const payload = base64url({
      sub: userId,
      roles: ['admin'],
      iss: issuer,
      aud: ACCESS_TOKEN_AUDIENCE,
      iat: 1,
      exp: 9_999_999_999,
    });
    await expect(verify(`${header}.${payload}.`)).rejects.toBeInstanceOf(InvalidAccessTokenError);
  });

  it('rejects HS256 signed with the public key as the secret', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.jwk));
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject(userId)
      .setIssuer(issuer)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(secret);
    await expect(verify(forged)).rejects.toBeInstanceOf(InvalidAccessTokenError);
  });

  it('rejects an expired token', async () => {
    const expired = await sign(key.privateKey, 'k1', { exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(verify(expired)).rejects.toEqual(new InvalidAccessTokenError('expired'));
  });

  it('rejects a token for another audience', async () => {
    await expect(verify(await sign(key.privateKey, 'k1', { aud: 'someone-else' }))).rejects.toBeInstanceOf(
      InvalidAccessTokenError,
    );
  });

  it('rejects a token signed by an unknown key', async () => {
    const stranger = await makeKey('k2');
    await expect(verify(await sign(stranger.privateKey, 'k2'))).rejects.toBeInstanceOf(InvalidAccessTokenError);
    await expect(verify(await sign(stranger.privateKey, 'k1'))).rejects.toBeInstanceOf(InvalidAccessTokenError);
  });

  it('rejects unknown roles', async () => {
    await expect(verify(await sign(key.privateKey, 'k1', { roles: ['root'] }))).rejects.toEqual(
      new InvalidAccessTokenError('claims do not match the expected shape'),
    );
  });
});
