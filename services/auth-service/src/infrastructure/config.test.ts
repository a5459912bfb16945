import { ConfigError, parseConfig } from '@platform/shared/config';
import { authConfigSchema } from './config';

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
});
