import { badRequest, type BaseApp, conflict, noContent, notFound } from '@platform/shared/http';
import { isUniqueViolation } from '@platform/shared/database';
import type { Database } from '../../infrastructure/database';
import { userRoute } from '../../infrastructure/routeDocs';
import { clearDefault, promoteNewestToDefault } from '../defaults';
import { lockActiveProfile, principalOf, type ProfileCache, requireActiveProfile } from '../profiles';
import { fieldsWithCardNumbers } from './cardNumberDetector';
import {
  createPaymentMethodBodySchema,
  paymentMethodIdParamsSchema,
  paymentMethodListSchema,
  paymentMethodSchema,
  toPaymentMethodView,
} from './paymentMethodSchemas';

const MAX_PAYMENT_METHODS = 10;
const tags = ['payment methods'] as const;
const paymentMethodNotFound = () => notFound('PAYMENT_METHOD_NOT_FOUND', 'no such payment method');

/**
 * Runs before validation, on every string the client sent (body, query, path; keys included), so a
 * PAN is refused with one clear code naming the fields, and never echoed in validation details.
 */
async function refuseCardNumbers(request: { body: unknown; query: unknown; params: unknown }) {
  const fields = [
    ...fieldsWithCardNumbers(request.params, ['params']),
    ...fieldsWithCardNumbers(request.query, ['querystring']),
    ...fieldsWithCardNumbers(request.body, ['body']),
  ];
  if (fields.length > 0) {
    throw badRequest(
      'CARD_NUMBER_REJECTED',
      `full card numbers are not accepted (${fields.join(', ')}); send the token from the payment provider`,
      fields.map((field) => ({ field, message: 'looks like a full card number' })),
    );
  }
}

export function registerPaymentMethodRoutes(
  app: BaseApp,
  { prisma, cache }: { prisma: Database; cache: ProfileCache },
) {
  app.get(
    '/users/me/payment-methods',
    {
      schema: userRoute({
        operationId: 'listPaymentMethods',
        summary: 'List payment methods, default first',
        tags,
        auth: 'bearer',
        response: { 200: paymentMethodListSchema },
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      await requireActiveProfile(cache, userId);
      const rows = await prisma.paymentMethod.findMany({
        where: { userId },
        orderBy: [{ isDefault: 'desc' }, { createdAt: 'asc' }],
      });
      return { items: rows.map(toPaymentMethodView) };
    },
  );

  app.post(
    '/users/me/payment-methods',
    {
      preValidation: refuseCardNumbers,
      schema: userRoute({
        operationId: 'createPaymentMethod',
        summary: 'Add a tokenized payment method',
        description:
          'The payment provider’s token and what the user needs to recognise the card. A full card number ' +
          'anywhere in the body is refused (400 `CARD_NUMBER_REJECTED`) and never echoed. The first method ' +
          'becomes the default.',
        tags,
        auth: 'bearer',
        body: createPaymentMethodBodySchema,
        response: { 201: paymentMethodSchema },
        errors: ['CARD_NUMBER_REJECTED', 'PAYMENT_METHOD_LIMIT_REACHED', 'PAYMENT_METHOD_EXISTS'],
      }),
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      try {
        const created = await prisma.$transaction(async (tx) => {
          await lockActiveProfile(tx, userId);
          const count = await tx.paymentMethod.count({ where: { userId } });
          if (count >= MAX_PAYMENT_METHODS)
            throw conflict('PAYMENT_METHOD_LIMIT_REACHED', `at most ${MAX_PAYMENT_METHODS} payment methods per user`);
          const isDefault = request.body.isDefault === true || count === 0;
          if (isDefault) await clearDefault(tx.paymentMethod, userId);
          return tx.paymentMethod.create({ data: { ...request.body, userId, isDefault } });
        });
        return reply.code(201).send(toPaymentMethodView(created));
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('PAYMENT_METHOD_EXISTS', 'this payment method is already saved');
        throw error;
      }
    },
  );

  app.post(
    '/users/me/payment-methods/:id/default',
    {
      schema: userRoute({
        operationId: 'setDefaultPaymentMethod',
        summary: 'Make a payment method the default',
        tags,
        auth: 'bearer',
        params: paymentMethodIdParamsSchema,
        response: { 200: paymentMethodSchema },
        errors: ['PAYMENT_METHOD_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { userId } = principalOf(request);
      const updated = await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        const existing = await tx.paymentMethod.findFirst({ where: { id: request.params.id, userId } });
        if (!existing) throw paymentMethodNotFound();
        await clearDefault(tx.paymentMethod, userId, existing.id);
        return tx.paymentMethod.update({ where: { id: existing.id }, data: { isDefault: true } });
      });
      return toPaymentMethodView(updated);
    },
  );

  app.delete(
    '/users/me/payment-methods/:id',
    {
      schema: userRoute({
        operationId: 'deletePaymentMethod',
        summary: 'Remove a payment method',
        description: 'If it was the default, the newest remaining method becomes the default.',
        tags,
        auth: 'bearer',
        params: paymentMethodIdParamsSchema,
        response: { 204: noContent },
        errors: ['PAYMENT_METHOD_NOT_FOUND'],
      }),
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      await prisma.$transaction(async (tx) => {
        await lockActiveProfile(tx, userId);
        const existing = await tx.paymentMethod.findFirst({ where: { id: request.params.id, userId } });
        if (!existing) throw paymentMethodNotFound();
        await tx.paymentMethod.delete({ where: { id: existing.id } });
        if (existing.isDefault) await promoteNewestToDefault(tx.paymentMethod, userId);
      });
      return reply.code(204).send(null);
    },
  );
}
