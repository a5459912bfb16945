/** Email verification: its routes, and the request other modules make when an address needs verifying. */
export { registerEmailRoutes } from './emailRoutes';
export * from './emailVerification';
