/** Postal addresses of a user (one default). */
export { registerAddressRoutes } from './addressRoutes';
