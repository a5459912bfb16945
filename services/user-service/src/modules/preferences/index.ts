/** A user's preferences. */
export { registerPreferencesRoutes } from './preferencesRoutes';
