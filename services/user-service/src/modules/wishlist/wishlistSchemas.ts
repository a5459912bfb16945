import { z } from 'zod';

export const productIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1-100 letters, digits, . _ : or -');

export const addWishlistItemBodySchema = z
  .strictObject({ productId: productIdSchema })
  .meta({ id: 'AddWishlistItem', examples: [{ productId: 'sku-42' }] });

const exampleWishlistItem = {
  id: '019a7c33-4e6a-7c73-8d5f-3a4b5c6d7e8f',
  productId: 'sku-42',
  addedAt: '2026-11-22T10:00:00.000Z',
};

export const wishlistItemSchema = z
  .object({ id: z.uuid(), productId: z.string(), addedAt: z.iso.datetime({ offset: true }) })
  .meta({ id: 'WishlistItem', examples: [exampleWishlistItem] });

/**
 * The cursor is opaque to clients: base64url of the last item's id. Ids are UUIDv7, ordered by
 * creation, so "after the cursor" is a plain index range that stays stable while items are added.
 */
export const wishlistQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(100)
    .transform((value, context) => {
      const id = Buffer.from(value, 'base64url').toString('utf8');
      if (z.uuid().safeParse(id).success) return id;
      context.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
      return z.NEVER;
    })
    .optional(),
});

export const wishlistPageSchema = z
  .object({
    items: z.array(wishlistItemSchema),
    nextCursor: z.string().nullable().meta({ description: 'The `cursor` of the next page; null on the last page' }),
  })
  .meta({
    id: 'WishlistPage',
    examples: [{ items: [exampleWishlistItem], nextCursor: 'MDE5YTdjMzMtNGU2YS03YzczLThkNWYtM2E0YjVjNmQ3ZThm' }],
  });
export const productIdParamsSchema = z.object({ productId: productIdSchema });

export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

export function toWishlistItemView(row: { id: string; productId: string; createdAt: Date }) {
  return { id: row.id, productId: row.productId, addedAt: row.createdAt.toISOString() };
}
