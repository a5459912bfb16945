import { type BaseApp, conflict, noContent } from '@platform/shared/http';
import type { Database } from '../../infrastructure/database';
import { userRoute } from '../../infrastructure/routeDocs';
import { lockActiveProfile, principalOf, type ProfileCache, requireActiveProfile } from '../profiles';
import {
  addWishlistItemBodySchema,
  encodeCursor,
  productIdParamsSchema,
  toWishlistItemView,
  wishlistItemSchema,
  wishlistPageSchema,
  wishlistQuerySchema,
} from './wishlistSchemas';

const MAX_WISHLIST_ITEMS = 500;
const tags = ['wishlist'] as const;

export function registerWishlistRoutes(app: BaseApp, { prisma, cache }: { prisma: Database; cache: ProfileCache }) {
  app.get(
    '/users/me/wishlist',
    {
      schema: userRoute({
        operationId: 'listWishlist',
        summary: 'The wishlist, newest first, by cursor pages',
        description: 'Pass `nextCursor` as `cursor` for the next page.',
        tags,
        auth: 'bearer',
        querystring: wishlistQuerySchema,
        response: { 200: wishlistPageSchema },
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      await requireActiveProfile(cache, userId);
      const { limit, cursor } = request.query;
      // One extra row tells whether there is a next page without a count query.
      const rows = await prisma.wishlistItem.findMany({
        where: { userId, ...(cursor ? { id: { lt: cursor } } : {}) },
        orderBy: { id: 'desc' },
        take: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map(toWishlistItemView),
        nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id) : null,
      };
    },
  );

  app.post(
    '/users/me/wishlist',
    {
      schema: userRoute({
        operationId: 'addToWishlist',
        summary: 'Add a product to the wishlist',
        description: '201 when added; 200 with the existing item when it is already there (no duplicates).',
        tags,
        auth: 'bearer',
        body: addWishlistItemBodySchema,
        response: { 200: wishlistItemSchema, 201: wishlistItemSchema },
        errors: ['WISHLIST_FULL'],
      }),
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      const { productId } = request.body;
      const result = await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        const existing = await tx.wishlistItem.findUnique({ where: { userId_productId: { userId, productId } } });
        if (existing) return { item: existing, created: false };
        if ((await tx.wishlistItem.count({ where: { userId } })) >= MAX_WISHLIST_ITEMS) {
          throw conflict('WISHLIST_FULL', `at most ${MAX_WISHLIST_ITEMS} items per wishlist`);
        }
        return { item: await tx.wishlistItem.create({ data: { userId, productId } }), created: true };
      });
      return reply.code(result.created ? 201 : 200).send(toWishlistItemView(result.item));
    },
  );

  app.delete(
    '/users/me/wishlist/:productId',
    {
      schema: userRoute({
        operationId: 'removeFromWishlist',
        summary: 'Remove a product from the wishlist',
        description: '204 also when it was not there: the outcome is the same.',
        tags,
        auth: 'bearer',
        params: productIdParamsSchema,
        response: { 204: noContent },
      }),
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        await tx.wishlistItem.deleteMany({ where: { userId, productId: request.params.productId } });
      });
      return reply.code(204).send(null);
    },
  );
}
