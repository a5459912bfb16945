import { type BaseApp, notFound } from '@platform/shared/http';
import type { Database } from '../../infrastructure/database';
import { userRoute } from '../../infrastructure/routeDocs';
import { lockActiveProfile, principalOf, requireActiveProfile } from './profileAccess';
import { recordInvalidation, type ProfileCache } from './ProfileCache';
import { profileSchema, toProfileView, updateProfileBodySchema, userIdParamsSchema } from './profileSchemas';

interface Deps {
  prisma: Database;
  cache: ProfileCache;
}

export function registerProfileRoutes(app: BaseApp, { prisma, cache }: Deps) {
  app.get(
    '/users/me',
    {
      schema: userRoute({
        operationId: 'getMyProfile',
        summary: 'The caller’s profile',
        tags: ['profile'],
        auth: 'bearer',
        response: { 200: profileSchema },
      }),
    },
    async (request) => requireActiveProfile(cache, principalOf(request).userId),
  );

  app.patch(
    '/users/me',
    {
      schema: userRoute({
        operationId: 'updateMyProfile',
        summary: 'Change display name, phone or avatar',
        description: 'Only the fields sent change; null clears one. Email and status belong to the auth-service.',
        tags: ['profile'],
        auth: 'bearer',
        body: updateProfileBodySchema,
        response: { 200: profileSchema },
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      const updated = await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        await recordInvalidation(tx, userId);
        return tx.userProfile.update({ where: { id: userId }, data: request.body });
      });
      await cache.invalidate(userId);
      return toProfileView(updated);
    },
  );

  app.get(
    '/users/:id',
    {
      schema: userRoute({
        operationId: 'getProfile',
        summary: 'A profile by id',
        description:
          'The caller’s own, or any for an admin (a deleted user’s tombstone included). Anyone else gets 404, ' +
          'so ids cannot be probed.',
        tags: ['profile'],
        auth: 'bearer',
        params: userIdParamsSchema,
        response: { 200: profileSchema },
      }),
    },
    async (request) => {
      const principal = principalOf(request);
      // A deactivated caller is refused here too, admins included (their token outlives the deactivation).
      const own = await requireActiveProfile(cache, principal.userId);
      if (request.params.id === principal.userId) return own;
      if (!principal.roles.includes('admin')) throw notFound('PROFILE_NOT_FOUND', 'no such profile');
      // An admin sees any status, the tombstone of a deleted user included.
      const profile = await cache.get(request.params.id);
      if (!profile) throw notFound('PROFILE_NOT_FOUND', 'no such profile');
      return profile;
    },
  );
}
