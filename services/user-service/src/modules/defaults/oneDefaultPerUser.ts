/**
 * "At most one default per user" for the address book and the payment methods. Callers hold the
 * profile lock (lockActiveProfile), which serialises these steps; the partial unique index on
 * (user_id) WHERE is_default is the backstop.
 */

/** The part of a Prisma delegate (tx.address, tx.paymentMethod) this bookkeeping uses. */
interface RowsWithDefault {
  updateMany(args: {
    where: { userId: string; isDefault: true; NOT?: { id: string } };
    data: { isDefault: false };
  }): PromiseLike<unknown>;
  findFirst(args: { where: { userId: string }; orderBy: { createdAt: 'desc' } }): PromiseLike<{ id: string } | null>;
  update(args: { where: { id: string }; data: { isDefault: true } }): PromiseLike<unknown>;
}

/** Clears the user's default, except on `keepId`, before another row becomes the default. */
export async function clearDefault(rows: RowsWithDefault, userId: string, keepId?: string): Promise<void> {
  await rows.updateMany({
    where: { userId, isDefault: true, ...(keepId ? { NOT: { id: keepId } } : {}) },
    data: { isDefault: false },
  });
}

/** After the default was removed: the newest remaining row takes over, if there is one. */
export async function promoteNewestToDefault(rows: RowsWithDefault, userId: string): Promise<void> {
  const successor = await rows.findFirst({ where: { userId }, orderBy: { createdAt: 'desc' } });
  if (successor) await rows.update({ where: { id: successor.id }, data: { isDefault: true } });
}
