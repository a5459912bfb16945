import { exportJWK, generateKeyPair } from 'jose';
import { call, makeUser, startTestApp, type TestApp } from '../services/auth-service/test/testApp';
import { mintDevToken } from './devToken';

let t: TestApp;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  // The key the "running" auth-service signs with, as AUTH_SIGNING_KEYS or the development key file would give it.
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const signingKeys = JSON.stringify([{ ...(await exportJWK(privateKey)), kid: 'dev-token-test' }]);
  t = await startTestApp({ env: { AUTH_SIGNING_KEYS: signingKeys } });
  env = { ...process.env, NODE_ENV: 'test', AUTH_SIGNING_KEYS: signingKeys };
});
afterAll(() => t?.close());

async function mint(argv: string[], withEnv = env) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await mintDevToken(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, withEnv);
  return { code, token: out[0], said: err.join('\n') };
}

describe('npm run dev:token', () => {
  it('mints a token the services accept, for a user given by email or id, with the roles asked for', async () => {
    const { email, session } = await makeUser(t);
    const byEmail = await mint(['--user', email]);
    expect(byEmail.code).toBe(0);
    const me = await call(t, 'GET', '/auth/me', { token: byEmail.token });
    expect(me.json()).toMatchObject({ id: session.user.id, email });

    const admin = await mint(['--user', session.user.id, '--role', 'admin', '--ttl', '120']);
    expect(admin.code).toBe(0);
    const claims = JSON.parse(Buffer.from(admin.token!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: session.user.id, roles: ['user', 'admin'] });
    expect(claims.exp - claims.iat).toBe(120);
    // auth_db does not make this user an admin: said, and the auth-service's admin routes still refuse.
    expect(admin.said).toContain('does not give');
    expect((await call(t, 'GET', '/admin/users', { token: admin.token })).statusCode).toBe(403);
  });

  it('refuses outside development and test, and names what is wrong', async () => {
    expect(await mint(['--user', 'ada@example.com'], { ...env, NODE_ENV: 'production' })).toMatchObject({
      code: 1,
      token: undefined,
      said: expect.stringContaining('refusing to mint a token with NODE_ENV=production'),
    });
    expect((await mint(['--user', 'nobody@example.com'])).said).toContain('no user nobody@example.com in auth_db');
    expect((await mint(['--user', 'x', '--role', 'root'])).code).toBe(1);
    expect((await mint([])).said).toContain('--user is required');
  });
});
