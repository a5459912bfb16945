import type { BaseApp } from '@platform/shared/http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from './infrastructure/database';
import { registerAddressRoutes } from './modules/addresses/addressRoutes';
import { registerPaymentMethodRoutes } from './modules/paymentMethods/paymentMethodRoutes';
import { registerPreferencesRoutes } from './modules/preferences/preferencesRoutes';
import type { ProfileCache } from './modules/profiles/ProfileCache';
import { registerProfileRoutes } from './modules/profiles/profileRoutes';
import { registerWishlistRoutes } from './modules/wishlist/wishlistRoutes';

interface Deps {
  prisma: Database;
  cache: ProfileCache;
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

/** Every /users route, in one scope that requires a Bearer token before validation runs (401 before 400). */
export function registerUserRoutes(app: BaseApp, { authenticate, ...deps }: Deps) {
  void app.register(async (scope) => {
    const users = scope.withTypeProvider<ZodTypeProvider>();
    users.addHook('onRequest', authenticate);
    registerProfileRoutes(users, deps);
    registerAddressRoutes(users, deps);
    registerPaymentMethodRoutes(users, deps);
    registerPreferencesRoutes(users, deps);
    registerWishlistRoutes(users, deps);
  });
}
