/** @platform/shared/logging: pino options and the logger with correlation ids. */
export * from './logger';
