import type { BaseApp } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { registerLoginRoute } from './loginRoute';
import { registerMeRoutes } from './meRoutes';
import { registerRefreshRoutes } from './refreshRoutes';
import { registerRegisterRoute } from './registerRoute';

/** The account module: register, login, refresh, logout, /auth/me and account deletion. */
export function registerAuthRoutes(app: BaseApp, context: AuthContext) {
  registerRegisterRoute(app, context);
  registerLoginRoute(app, context);
  registerRefreshRoutes(app, context);
  registerMeRoutes(app, context);
}
