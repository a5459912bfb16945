import type { BaseApp } from '@platform/shared/http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { UserContext } from './infrastructure/context';
import { registerAddressRoutes } from './modules/addresses';
import { registerPaymentMethodRoutes } from './modules/paymentMethods';
import { registerPreferencesRoutes } from './modules/preferences';
import { registerProfileRoutes } from './modules/profiles';
import { registerWishlistRoutes } from './modules/wishlist';

/** Every /users route, in one scope that requires a Bearer token before validation runs (401 before 400). */
export function registerUserRoutes(app: BaseApp, { authenticate, ...context }: UserContext) {
  void app.register(async (scope) => {
    const users = scope.withTypeProvider<ZodTypeProvider>();
    users.addHook('onRequest', authenticate);
    registerProfileRoutes(users, context);
    registerAddressRoutes(users, context);
    registerPaymentMethodRoutes(users, context);
    registerPreferencesRoutes(users, context);
    registerWishlistRoutes(users, context);
  });
}
