import { ACCESS_TOKEN_AUDIENCE } from '@platform/shared/auth';
import { base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { call, makeUser, startTestApp, type TestApp } from '../../../test/testApp';

let t: TestApp;
let userId: string;
let genuine: string;
beforeAll(async () => {
  t = await startTestApp();
  const { session } = await makeUser(t);
  userId = session.user.id;
  genuine = session.accessToken;
});
afterAll(() => t?.close());

const me = (token: string) => call(t, 'GET', '/auth/me', { token });
const claims = () => ({ roles: ['admin'], iss: t.config.AUTH_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, sub: userId });
const encode = (value: object) => base64url.encode(JSON.stringify(value));

describe('access tokens forged or misused through the HTTP API', () => {
  it('accepts the genuine token, which carries iss, aud, sub, roles and kid', async () => {
    expect((await me(genuine)).statusCode).toBe(200);
    expect(decodeProtectedHeader(genuine)).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    const payload = decodeJwt(genuine);
    expect(payload).toMatchObject({
      iss: t.config.AUTH_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
      sub: userId,
      roles: ['user'],
    });
    expect(payload.exp! - payload.iat!).toBe(900);
  });

  it('rejects alg none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims(), iat: now, exp: now + 600 })}.`;
    expect((await me(token)).statusCode).toBe(401);
  });

  it('rejects HS256 signed with the published public key', async () => {
    const { keys } = (await call(t, 'GET', '/.well-known/jwks.json')).json();
    const secret = new TextEncoder().encode(JSON.stringify(keys[0]));
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: keys[0].kid })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(secret);
    expect((await me(token)).statusCode).toBe(401);
    const raw = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: keys[0].kid })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(keys[0].x));
    expect((await me(raw)).statusCode).toBe(401);
  });

  it('rejects a token signed by an unknown key, even with a known kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const knownKid = decodeProtectedHeader(genuine).kid!;
    for (const kid of ['unknown-kid', knownKid]) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
      expect((await me(token)).statusCode).toBe(401);
    }
  });

  it('rejects an expired token and one for another audience', async () => {
    const { privateKey } = t.app.context.signingKeys;
    const kid = t.app.context.signingKeys.activeKid;
    const sign = (payload: object, exp: number) =>
      new SignJWT({ ...claims(), ...payload })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuedAt(exp - 900)
        .setExpirationTime(exp)
        .sign(privateKey);
    const now = Math.floor(Date.now() / 1000);
    expect((await me(await sign({}, now + 600))).statusCode).toBe(200); // the control: same key, valid claims
    expect((await me(await sign({}, now - 60))).statusCode).toBe(401);
    expect((await me(await sign({ aud: 'another-api' }, now + 600))).statusCode).toBe(401);
    expect((await me(await sign({ iss: 'https://evil.example' }, now + 600))).statusCode).toBe(401);
  });

  it('never echoes why a token was rejected', async () => {
    const response = await me(genuine.slice(0, -4) + 'AAAA');
    expect(response.json()).toEqual({
      error: { code: 'INVALID_TOKEN', message: 'the access token is invalid or expired' },
    });
  });
});
