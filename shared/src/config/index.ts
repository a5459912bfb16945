/** @platform/shared/config: config parsing (one zod schema per service), the common variables, .env loading. */
export * from './parseConfig';
export * from './commonEnv';
export * from './loadDotenv';
export * from './trustProxy';
