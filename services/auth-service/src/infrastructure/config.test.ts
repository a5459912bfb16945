import { ConfigError, parseConfig } from '@platform/shared/config';
import { authConfigSchema, parseTrustProxy } from './config';

describe('auth-service configuration', () => {
  it('refuses to start in production without signing keys, naming the variable', () => {
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: 'production' })).toThrow(/AUTH_SIGNING_KEYS/);
  });

  it('needs the bootstrap admin email and password together', () => {
    expect(() => parseConfig(authConfigSchema, { AUTH_BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' })).toThrow(
      /AUTH_BOOTSTRAP_ADMIN_PASSWORD/,
    );
  });

  it('defaults to OWASP argon2id parameters and 15-minute access tokens', () => {
    const config = parseConfig(authConfigSchema, {});
    expect(config).toMatchObject({ ARGON2_MEMORY_KIB: 19456, ARGON2_TIME_COST: 2, ACCESS_TOKEN_TTL_SECONDS: 900 });
  });

  it('trusts proxies by hop count or address, never the whole X-Forwarded-For, and names a bad value', () => {
    expect(parseConfig(authConfigSchema, {}).AUTH_TRUST_PROXY).toBe(false);
    expect(parseConfig(authConfigSchema, { AUTH_TRUST_PROXY: 'true' }).AUTH_TRUST_PROXY).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7,::1')).toBe('10.0.0.0/8,192.168.1.7,::1');
    expect(parseTrustProxy('10.0.0.0/33')).toBeUndefined();
    expect(parseTrustProxy('everyone')).toBeUndefined();
    expect(() => parseConfig(authConfigSchema, { AUTH_TRUST_PROXY: 'yes' })).toThrow(/AUTH_TRUST_PROXY/);
  });
});
