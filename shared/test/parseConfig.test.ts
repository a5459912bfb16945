import { z } from 'zod';
import { commonEnv, ConfigError, parseConfig } from '../src/config';

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
