import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { phoneSchema } from '../profiles';

/** ISO 3166-1 alpha-2, upper-cased first so "de" is accepted as DE. */
export const countryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(
    (code) => /^[A-Z]{2}$/.test(code) && countries.isValid(code),
    'must be an ISO 3166-1 alpha-2 country code such as DE or US',
  );

const text = (max: number) => z.string().trim().min(1).max(max);

const addressFields = {
  label: text(50).nullable().optional(),
  recipientName: text(100),
  line1: text(200),
  line2: text(200).nullable().optional(),
  city: text(100),
  region: text(100).nullable().optional(),
  postalCode: text(20),
  country: countryCodeSchema,
  phone: phoneSchema.nullable().optional(),
  /** The first address of a user becomes the default whatever this says. */
  isDefault: z.boolean().optional(),
};

const exampleAddress = {
  label: 'Home',
  recipientName: 'Ada Lovelace',
  line1: '1 Analytical Street',
  city: 'London',
  postalCode: 'N1 1AA',
  country: 'GB',
};

export const createAddressBodySchema = z
  .strictObject(addressFields)
  .meta({ id: 'CreateAddress', examples: [{ ...exampleAddress, isDefault: true }] });
export type CreateAddressBody = z.infer<typeof createAddressBodySchema>;

export const updateAddressBodySchema = z
  .strictObject(addressFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required')
  .meta({ id: 'UpdateAddress', examples: [{ line2: 'Flat 3', isDefault: true }] });

export const addressSchema = z
  .object({
    id: z.uuid(),
    label: z.string().nullable(),
    recipientName: z.string(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    region: z.string().nullable(),
    postalCode: z.string(),
    country: z.string(),
    phone: z.string().nullable(),
    isDefault: z.boolean(),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'Address',
    examples: [
      {
        ...exampleAddress,
        id: '019a7c2f-0c4e-7a51-8b3d-1e2f3a4b5c6d',
        line2: null,
        region: null,
        phone: null,
        isDefault: true,
        createdAt: '2026-11-22T09:45:00.000Z',
        updatedAt: '2026-11-22T09:45:00.000Z',
      },
    ],
  });

export const addressListSchema = z.object({ items: z.array(addressSchema) }).meta({ description: 'Default first' });
export const addressIdParamsSchema = z.object({ id: z.uuid() });

type AddressRow = Omit<z.infer<typeof addressSchema>, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date };

export function toAddressView(row: AddressRow & { userId?: string }): z.infer<typeof addressSchema> {
  const { userId: _owner, createdAt, updatedAt, ...rest } = row;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}
