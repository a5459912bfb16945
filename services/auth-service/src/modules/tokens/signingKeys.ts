import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { InvalidAccessTokenError } from '@platform/shared/auth';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, type JWSHeaderParameters } from 'jose';
import { z } from 'zod';
import type { AuthConfig } from '../../infrastructure/config';
import path from 'node:path';

export const SIGNING_ALGORITHM = 'EdDSA';

const privateJwkSchema = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  kid: z.string().min(1),
  x: z.string().min(1),
  d: z.string().min(1),
});
type PrivateJwk = z.infer<typeof privateJwkSchema>;

/** The key that signs new tokens, and every public key (active and retiring) that verifies them. */
export interface SigningKeys {
  activeKid: string;
  privateKey: CryptoKey;
  publicJwks: JWK[];
  /** Key lookup by kid for jwtVerify; an unknown kid is an invalid token, not an error. */
  jwks: (header: JWSHeaderParameters) => Promise<CryptoKey>;
}

/**
 * Production and staging read private JWKs from AUTH_SIGNING_KEYS (config refuses to start without
 * them in production). Development generates one key and keeps it under .dev/ so tokens survive
 * hot reloads; tests get a fresh key in memory.
 */
export async function loadSigningKeys(
  config: Pick<AuthConfig, 'AUTH_SIGNING_KEYS' | 'AUTH_ACTIVE_SIGNING_KEY_ID' | 'NODE_ENV'>,
): Promise<SigningKeys> {
  const jwks = config.AUTH_SIGNING_KEYS
    ? parseConfiguredKeys(config.AUTH_SIGNING_KEYS)
    : config.NODE_ENV === 'development'
      ? await developmentKey()
      : [await generateKey()];
  const activeKid = config.AUTH_ACTIVE_SIGNING_KEY_ID ?? jwks[0]!.kid;
  const active = jwks.find((jwk) => jwk.kid === activeKid);
  if (!active) throw new Error(`AUTH_ACTIVE_SIGNING_KEY_ID: no key with kid "${activeKid}" in AUTH_SIGNING_KEYS`);
  const publicJwks = jwks.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: SIGNING_ALGORITHM, use: 'sig' }));
  // Our own lookup rather than jose's createLocalJWKSet: its errors would come from this package's
  // copy of jose, which the shared verifier (another copy) does not recognise as token errors.
  const publicKeys = new Map<string, CryptoKey>();
  for (const jwk of publicJwks) publicKeys.set(jwk.kid, (await importJWK(jwk, SIGNING_ALGORITHM)) as CryptoKey);
  return {
    activeKid,
    privateKey: (await importJWK(active, SIGNING_ALGORITHM)) as CryptoKey,
    publicJwks,
    jwks: async (header) => {
      const key = header.kid === undefined ? undefined : publicKeys.get(header.kid);
      if (!key || header.alg !== SIGNING_ALGORITHM) throw new InvalidAccessTokenError('no matching key');
      return key;
    },
  };
}

function parseConfiguredKeys(text: string): PrivateJwk[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('AUTH_SIGNING_KEYS: not valid JSON (expected an array of private Ed25519 JWKs)');
  }
  const parsed = z.array(privateJwkSchema).min(1).safeParse(value);
  if (!parsed.success)
    throw new Error('AUTH_SIGNING_KEYS: expected an array of private Ed25519 JWKs with kid, x and d');
  const kids = parsed.data.map((jwk) => jwk.kid);
  if (new Set(kids).size !== kids.length) throw new Error('AUTH_SIGNING_KEYS: every key needs a unique kid');
  return parsed.data;
}

async function generateKey(): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  return privateJwkSchema.parse({
    ...jwk,
    kid: `gen-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`,
  });
}

const developmentKeyFile = path.resolve(__dirname, '../../../.dev/signing-key.json');

async function developmentKey(): Promise<PrivateJwk[]> {
  if (existsSync(developmentKeyFile))
    return [privateJwkSchema.parse(JSON.parse(readFileSync(developmentKeyFile, 'utf8')))];
  const jwk = await generateKey();
  mkdirSync(path.dirname(developmentKeyFile), { recursive: true });
  writeFileSync(developmentKeyFile, JSON.stringify(jwk), { mode: 0o600 });
  return [jwk];
}
