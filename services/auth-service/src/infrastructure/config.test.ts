import { ConfigError, parseConfig, parseTrustProxy } from '@platform/shared/config';
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

  it('trusts proxies by hop count or address, never the whole X-Forwarded-For, and names a bad value', () => {
    expect(parseConfig(authConfigSchema, {}).AUTH_TRUST_PROXY).toBe(false);
    expect(parseConfig(authConfigSchema, { AUTH_TRUST_PROXY: 'true' }).AUTH_TRUST_PROXY).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7,::1')).toBe('10.0.0.0/8,192.168.1.7,::1');
    expect(parseTrustProxy('10.0.0.0/33')).toBeUndefined();
    expect(parseTrustProxy('everyone')).toBeUndefined();
    expect(() => parseConfig(authConfigSchema, { AUTH_TRUST_PROXY: 'yes' })).toThrow(/AUTH_TRUST_PROXY/);
  });

  it('has every rate limit and the lockout policy in the configuration, relaxed for development', () => {
    const production = parseConfig(authConfigSchema, { NODE_ENV: 'staging' });
    expect(production).toMatchObject({
      AUTH_RATE_LIMIT_REGISTER: { points: 10, durationSeconds: 600 },
      AUTH_RATE_LIMIT_LOGIN: { points: 30, durationSeconds: 60 },
      AUTH_RATE_LIMIT_PASSWORD_FORGOT: { points: 5, durationSeconds: 900 },
      LOGIN_LOCKOUT_THRESHOLD: 5,
      LOGIN_LOCKOUT_WINDOW_SECONDS: 900,
      LOGIN_LOCKOUT_BASE_SECONDS: 60,
      LOGIN_LOCKOUT_MAX_SECONDS: 3600,
      LOGIN_LOCKOUT_HISTORY_SECONDS: 86_400,
    });
    const development = parseConfig(authConfigSchema, { NODE_ENV: 'development' });
    expect(development.AUTH_RATE_LIMIT_REGISTER).toEqual({ points: 1000, durationSeconds: 600 });
    const limitVariables = Object.keys(authConfigSchema.shape).filter((name) => name.startsWith('AUTH_RATE_LIMIT_'));
    expect(limitVariables.length).toBeGreaterThanOrEqual(10);
    for (const name of limitVariables) {
      const key = name as keyof typeof production;
      // Each one described, and in development at least ten times the production budget.
      expect(authConfigSchema.shape[key].description).toMatch(/per client IP/);
      const [prod, dev] = [production[key], development[key]] as Array<{ points: number }>;
      expect(dev!.points).toBeGreaterThanOrEqual(10 * prod!.points);
    }
    expect(() => parseConfig(authConfigSchema, { LOGIN_LOCKOUT_MAX_SECONDS: '30' })).toThrow(
      /LOGIN_LOCKOUT_MAX_SECONDS/,
    );
  });
});
