import { type BaseApp, conflict, noContent, notFound } from '@platform/shared/http';
import type { Database } from '../../infrastructure/database';
import { userRoute } from '../../infrastructure/routeDocs';
import { clearDefault, promoteNewestToDefault } from '../defaults';
import { lockActiveProfile, principalOf, type ProfileCache, requireActiveProfile } from '../profiles';
import {
  addressIdParamsSchema,
  addressListSchema,
  addressSchema,
  createAddressBodySchema,
  toAddressView,
  updateAddressBodySchema,
} from './addressSchemas';

const MAX_ADDRESSES = 20;
const tags = ['addresses'] as const;
const addressNotFound = () => notFound('ADDRESS_NOT_FOUND', 'no such address');

/** Address book. Writes run in a transaction holding the profile lock (see oneDefaultPerUser). */
export function registerAddressRoutes(app: BaseApp, { prisma, cache }: { prisma: Database; cache: ProfileCache }) {
  app.get(
    '/users/me/addresses',
    {
      schema: userRoute({
        operationId: 'listAddresses',
        summary: 'List addresses, default first',
        tags,
        auth: 'bearer',
        response: { 200: addressListSchema },
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      await requireActiveProfile(cache, userId);
      const rows = await prisma.address.findMany({
        where: { userId },
        orderBy: [{ isDefault: 'desc' }, { createdAt: 'asc' }],
      });
      return { items: rows.map(toAddressView) };
    },
  );

  app.post(
    '/users/me/addresses',
    {
      schema: userRoute({
        operationId: 'createAddress',
        summary: 'Add an address',
        description:
          'The first address becomes the default whatever `isDefault` says; `isDefault: true` moves the default here.',
        tags,
        auth: 'bearer',
        body: createAddressBodySchema,
        response: { 201: addressSchema },
        errors: ['ADDRESS_LIMIT_REACHED'],
      }),
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      const created = await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        const count = await tx.address.count({ where: { userId } });
        if (count >= MAX_ADDRESSES)
          throw conflict('ADDRESS_LIMIT_REACHED', `at most ${MAX_ADDRESSES} addresses per user`);
        const isDefault = request.body.isDefault === true || count === 0;
        if (isDefault) await clearDefault(tx.address, userId);
        return tx.address.create({ data: { ...request.body, userId, isDefault } });
      });
      return reply.code(201).send(toAddressView(created));
    },
  );

  app.patch(
    '/users/me/addresses/:id',
    {
      schema: userRoute({
        operationId: 'updateAddress',
        summary: 'Change an address',
        description: 'Only the fields sent change; `isDefault: true` makes it the only default.',
        tags,
        auth: 'bearer',
        params: addressIdParamsSchema,
        body: updateAddressBodySchema,
        response: { 200: addressSchema },
        errors: ['ADDRESS_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      const updated = await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        const existing = await tx.address.findFirst({ where: { id: request.params.id, userId } });
        if (!existing) throw addressNotFound();
        if (request.body.isDefault === true) await clearDefault(tx.address, userId, existing.id);
        return tx.address.update({ where: { id: existing.id }, data: request.body });
      });
      return toAddressView(updated);
    },
  );

  app.delete(
    '/users/me/addresses/:id',
    {
      schema: userRoute({
        operationId: 'deleteAddress',
        summary: 'Remove an address',
        description: 'If it was the default, the newest remaining address becomes the default.',
        tags,
        auth: 'bearer',
        params: addressIdParamsSchema,
        response: { 204: noContent },
        errors: ['ADDRESS_NOT_FOUND'],
      }),
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        const existing = await tx.address.findFirst({ where: { id: request.params.id, userId } });
        if (!existing) throw addressNotFound();
        await tx.address.delete({ where: { id: existing.id } });
        if (existing.isDefault) await promoteNewestToDefault(tx.address, userId);
      });
      return reply.code(204).send(null);
    },
  );
}
