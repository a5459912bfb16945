import { exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { createAccessTokens } from './accessTokens';
import { loadSigningKeys } from './signingKeys';

async function privateJwk(kid: string) {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

describe('signing keys from configuration', () => {
  it('signs with the active key and still verifies tokens of the retiring one (rotation overlap)', async () => {
    const [old, next] = [await privateJwk('2026-01'), await privateJwk('2026-02')];
    const before = await loadSigningKeys({ NODE_ENV: 'production', AUTH_SIGNING_KEYS: JSON.stringify([old]) });
    const oldToken = await createAccessTokens({ keys: before, issuer: 'iss', ttlSeconds: 900 }).issue({
      id: crypto.randomUUID(),
      roles: ['user'],
      sessionId: 's',
    });

    const during = await loadSigningKeys({
      NODE_ENV: 'production',
      AUTH_SIGNING_KEYS: JSON.stringify([old, next]),
      AUTH_ACTIVE_SIGNING_KEY_ID: '2026-02',
    });
    expect(during.activeKid).toBe('2026-02');
    expect(during.publicJwks.map((key) => key.kid)).toEqual(['2026-01', '2026-02']);
    expect(during.publicJwks.some((key) => 'd' in key)).toBe(false);
    const tokens = createAccessTokens({ keys: during, issuer: 'iss', ttlSeconds: 900 });
    await expect(tokens.verify(oldToken)).resolves.toMatchObject({ roles: ['user'] });
    const newToken = await tokens.issue({ id: crypto.randomUUID(), roles: ['user'], sessionId: 's' });
    const { protectedHeader } = await jwtVerify(newToken, during.jwks);
    expect(protectedHeader.kid).toBe('2026-02');
  });

  it('fails fast on a malformed key set or an unknown active kid', async () => {
    await expect(loadSigningKeys({ NODE_ENV: 'production', AUTH_SIGNING_KEYS: 'not json' })).rejects.toThrow(
      /AUTH_SIGNING_KEYS/,
    );
    await expect(loadSigningKeys({ NODE_ENV: 'production', AUTH_SIGNING_KEYS: '[{"kty":"oct"}]' })).rejects.toThrow(
      /AUTH_SIGNING_KEYS/,
    );
    const key = await privateJwk('a');
    await expect(
      loadSigningKeys({
        NODE_ENV: 'production',
        AUTH_SIGNING_KEYS: JSON.stringify([key]),
        AUTH_ACTIVE_SIGNING_KEY_ID: 'b',
      }),
    ).rejects.toThrow(/AUTH_ACTIVE_SIGNING_KEY_ID/);
  });
});
