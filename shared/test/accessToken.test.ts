import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import {
  ACCESS_TOKEN_AUDIENCE,
  createAccessTokenVerifier,
  InvalidAccessTokenError,
  KeySetUnavailableError,
  VerifiedTokenCache,
} from '../src/auth';

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

describe('verified-token cache', () => {
  it('checks the signature of a token once, then answers from the cache until the token expires', async () => {
    const key = await makeKey('k1');
    const published = createLocalJWKSet({ keys: [key.jwk] });
    let keyLookups = 0;
    let now = Date.now();
    const verify = createAccessTokenVerifier({
      keys: (header, token) => {
        keyLookups++;
        return published(header, token);
      },
      issuer,
      cache: new VerifiedTokenCache(10, () => now),
    });
    const token = await sign(key.privateKey, 'k1', { exp: Math.floor(now / 1000) + 60 });
    expect(await verify(token)).toEqual({ userId, roles: ['user'] });
    expect(await verify(token)).toEqual({ userId, roles: ['user'] });
    expect(keyLookups).toBe(1);

    // Past exp on the cache's clock: it no longer answers, the token is verified again (jose keeps
    // the real clock, on which the token is still valid).
    now += 61_000;
    await verify(token);
    expect(keyLookups).toBe(2);
  });

  it('caches no verdict on a bad token', async () => {
    const key = await makeKey('k1');
    const cache = new VerifiedTokenCache(10);
    const verify = createAccessTokenVerifier({ keys: createLocalJWKSet({ keys: [key.jwk] }), issuer, cache });
    const stranger = await makeKey('k1');
    await expect(verify(await sign(stranger.privateKey, 'k1'))).rejects.toBeInstanceOf(InvalidAccessTokenError);
    expect(cache.size).toBe(0);
  });

  it('keeps at most its size, dropping the least recently used token', () => {
    const cache = new VerifiedTokenCache(2);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const principal = (id: string) => ({ userId: id, roles: ['user' as const] });
    cache.set('a', principal('a'), exp);
    cache.set('b', principal('b'), exp);
    expect(cache.get('a')?.userId).toBe('a'); // a is now the most recently used
    cache.set('c', principal('c'), exp);
    expect([cache.get('a')?.userId, cache.get('b'), cache.get('c')?.userId]).toEqual(['a', undefined, 'c']);
    expect(cache.size).toBe(2);
  });

  it('hands out principals no request can change for the next', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', { userId, roles: ['user'] }, Math.floor(Date.now() / 1000) + 60);
    expect(() => cache.get('a')!.roles.push('admin')).toThrow(TypeError);
    expect(cache.get('a')!.roles).toEqual(['user']);
  });
});

describe('a key set that cannot be had', () => {
  it('is a KeySetUnavailableError (no verdict on the token), while an unknown kid stays an invalid token', async () => {
    const key = await makeKey('k1');
    const down = createAccessTokenVerifier({
      keys: () => Promise.reject(new TypeError('fetch failed')),
      issuer,
      cache: false,
    });
    await expect(down(await sign(key.privateKey, 'k1'))).rejects.toBeInstanceOf(KeySetUnavailableError);

    const published = createAccessTokenVerifier({ keys: createLocalJWKSet({ keys: [key.jwk] }), issuer });
    await expect(published(await sign(key.privateKey, 'unknown-kid'))).rejects.toBeInstanceOf(InvalidAccessTokenError);
  });
});
