/** @platform/shared/service: the skeleton every service fills (buildService), and how it runs: a long-lived server until SIGTERM, or Lambda handlers around one app per container. */
export * from './buildService';
export * from './lazyApp';
export * from './lambdaHttpHandler';
export * from './serveUntilStopped';
