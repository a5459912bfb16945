import { z } from 'zod';
import { commonEnv, ConfigError, parseConfig } from '../src/config';
import { parseRateLimit, rateLimitSetting } from '../src/rateLimits';

const schema = commonEnv.extend({
  AUTH_PORT: z.coerce.number().int().min(1).max(65535).default(3001).describe('HTTP port of the auth-service'),
  AUTH_DATABASE_URL: z.url().describe('Postgres URL of auth_db'),
});

describe('parseConfig', () => {
  it('applies defaults and coerces values', () => {
    const config = parseConfig(schema, { AUTH_DATABASE_URL: 'postgresql://localhost/auth_db', AUTH_PORT: '4000' });
    expect(config).toMatchObject({
      AUTH_PORT: 4000,
      NODE_ENV: 'development',
      AWS_REGION: 'us-east-1',
      TOPOLOGY_PREFIX: '',
    });
  });

  it('treats an empty variable as unset', () => {
    const config = parseConfig(schema, { AUTH_DATABASE_URL: 'postgresql://localhost/auth_db', AUTH_PORT: '' });
    expect(config.AUTH_PORT).toBe(3001);
  });

  it('names every bad variable with its description', () => {
    let error: unknown;
    try {
      parseConfig(schema, { AUTH_PORT: 'seventy', NODE_ENV: 'prod' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('AUTH_DATABASE_URL: is required (Postgres URL of auth_db)');
    expect(message).toMatch(/AUTH_PORT: .*\(HTTP port of the auth-service\)/);
    expect(message).toMatch(/NODE_ENV: .*development.*production/);
  });
});

describe('development defaults and rate-limit settings', () => {
  const limits = z.object({
    NODE_ENV: commonEnv.shape.NODE_ENV,
    LIMIT: rateLimitSetting('Things per client', { production: '10/10m', development: '1000/10m' }),
  });

  it('uses the production default everywhere but development, which gets its own', () => {
    expect(parseConfig(limits, { NODE_ENV: 'production' }).LIMIT).toEqual({ points: 10, durationSeconds: 600 });
    expect(parseConfig(limits, { NODE_ENV: 'test' }).LIMIT).toEqual({ points: 10, durationSeconds: 600 });
    expect(parseConfig(limits, { NODE_ENV: 'development' }).LIMIT).toEqual({ points: 1000, durationSeconds: 600 });
    expect(parseConfig(limits, {}).LIMIT).toEqual({ points: 1000, durationSeconds: 600 });
  });

  it('takes a value that is set, in any NODE_ENV, with s, m, h or bare seconds', () => {
    expect(parseConfig(limits, { NODE_ENV: 'development', LIMIT: '3/1h' }).LIMIT).toEqual({
      points: 3,
      durationSeconds: 3600,
    });
    expect(parseRateLimit('30/45')).toEqual({ points: 30, durationSeconds: 45 });
    expect(parseRateLimit('5/15m')).toEqual({ points: 5, durationSeconds: 900 });
    expect(parseRateLimit('0/1m')).toBeUndefined();
    expect(parseRateLimit('ten per minute')).toBeUndefined();
  });

  it('names a bad value and says what it means and what it defaults to', () => {
    expect(() => parseConfig(limits, { LIMIT: '30 per minute' })).toThrow(
      /LIMIT: must be <requests>\/<window>.*\(Things per client.*default 10\/10m, in development 1000\/10m\)/,
    );
  });
});
