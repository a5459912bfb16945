/** Profiles: their routes, the event handler that keeps them in step with the auth-service, the cache, and the access check every /users route makes. */
export { registerProfileRoutes } from './profileRoutes';
export { createProfileEventHandler } from './profileEventHandler';
export * from './ProfileCache';
export * from './profileAccess';
export { phoneSchema } from './profileSchemas';
