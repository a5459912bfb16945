import { z } from 'zod';

export const cardBrands = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'other'] as const;

/** Tokenized only: a provider's token plus what a user needs to recognise the card. */
export const createPaymentMethodBodySchema = z
  .strictObject({
    provider: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'must be a provider id such as stripe or adyen'),
    token: z
      .string()
      .min(4)
      .max(255)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    brand: z.enum(cardBrands),
    last4: z.string().regex(/^\d{4}$/, 'must be exactly 4 digits'),
    expMonth: z.int().min(1).max(12),
    expYear: z.int().min(2000).max(2100),
    isDefault: z.boolean().optional(),
  })
  .refine((body) => !isExpired(body.expMonth, body.expYear), { message: 'the card has expired', path: ['expYear'] })
  .meta({
    id: 'CreatePaymentMethod',
    examples: [
      { provider: 'stripe', token: 'pm_1QxY2zAbCdEf', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
    ],
  });

export type CreatePaymentMethodBody = z.infer<typeof createPaymentMethodBodySchema>;

/** The token is a credential at the provider: it is stored, never returned. */
export const paymentMethodSchema = z
  .object({
    id: z.uuid(),
    provider: z.string(),
    brand: z.string(),
    last4: z.string(),
    expMonth: z.number(),
    expYear: z.number(),
    isDefault: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'PaymentMethod',
    description: 'A saved payment method; its provider token is stored, never returned',
    examples: [
      {
        id: '019a7c31-2d5f-7b62-9c4e-2f3a4b5c6d7e',
        provider: 'stripe',
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
        expYear: 2030,
        isDefault: true,
        createdAt: '2026-11-22T09:50:00.000Z',
      },
    ],
  });

export const paymentMethodListSchema = z
  .object({ items: z.array(paymentMethodSchema) })
  .meta({ description: 'Default first' });
export const paymentMethodIdParamsSchema = z.object({ id: z.uuid() });

/** A card is valid through the last day of its expiry month. */
export function isExpired(expMonth: number, expYear: number, now = new Date()): boolean {
  return expYear < now.getUTCFullYear() || (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1);
}

interface PaymentMethodRow {
  id: string;
  provider: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  createdAt: Date;
}

export function toPaymentMethodView(row: PaymentMethodRow): z.infer<typeof paymentMethodSchema> {
  const { id, provider, brand, last4, expMonth, expYear, isDefault, createdAt } = row;
  return { id, provider, brand, last4, expMonth, expYear, isDefault, createdAt: createdAt.toISOString() };
}
