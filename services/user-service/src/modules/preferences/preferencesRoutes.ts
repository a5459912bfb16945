import type { BaseApp } from '@platform/shared/http';
import type { Database } from '../../infrastructure/database';
import { userRoute } from '../../infrastructure/routeDocs';
import { lockActiveProfile, principalOf, type ProfileCache, requireActiveProfile } from '../profiles';
import { defaultPreferences, preferencesSchema, toPreferencesView } from './preferencesSchemas';

const tags = ['preferences'] as const;

export function registerPreferencesRoutes(app: BaseApp, { prisma, cache }: { prisma: Database; cache: ProfileCache }) {
  app.get(
    '/users/me/preferences',
    {
      schema: userRoute({
        operationId: 'getPreferences',
        summary: 'The caller’s preferences',
        description: 'Defaults for anything never set.',
        tags,
        auth: 'bearer',
        response: { 200: preferencesSchema },
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      await requireActiveProfile(cache, userId);
      const row = await prisma.userPreferences.findUnique({ where: { userId } });
      return row ? toPreferencesView(row) : defaultPreferences;
    },
  );

  app.put(
    '/users/me/preferences',
    {
      schema: userRoute({
        operationId: 'replacePreferences',
        summary: 'Replace the preferences',
        description: 'A full replacement: a field left out goes back to its default.',
        tags,
        auth: 'bearer',
        body: preferencesSchema,
        response: { 200: preferencesSchema },
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      const row = await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        return tx.userPreferences.upsert({
          where: { userId },
          create: { ...request.body, userId },
          update: request.body,
        });
      });
      return toPreferencesView(row);
    },
  );
}
