import { z } from 'zod';

const timeZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const currencies = new Set(Intl.supportedValuesOf('currency'));

/**
 * Typed preferences. Each field has a default, so PUT is a full replacement in which a missing
 * field means "back to the default", and a profile made by user.created starts complete.
 */
export const preferencesSchema = z
  .strictObject({
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/, 'must be a BCP 47 language tag such as en or pt-BR')
      .default('en'),
    currency: z
      .string()
      .refine((code) => currencies.has(code), 'must be an ISO 4217 currency code such as EUR')
      .default('USD'),
    timezone: z
      .string()
      .refine((zone) => timeZones.has(zone), 'must be an IANA time zone such as Europe/Berlin')
      .default('UTC'),
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    emailNotifications: z.boolean().default(true),
    smsNotifications: z.boolean().default(false),
    marketingEmails: z.boolean().default(false),
  })
  .meta({
    id: 'Preferences',
    examples: [
      {
        language: 'pt-BR',
        currency: 'BRL',
        timezone: 'America/Sao_Paulo',
        theme: 'dark',
        emailNotifications: true,
        smsNotifications: false,
        marketingEmails: false,
      },
    ],
  });

export type Preferences = z.output<typeof preferencesSchema>;

export const defaultPreferences: Preferences = preferencesSchema.parse({});

export function toPreferencesView(row: Preferences): Preferences {
  const { language, currency, timezone, theme, emailNotifications, smsNotifications, marketingEmails } = row;
  return { language, currency, timezone, theme, emailNotifications, smsNotifications, marketingEmails };
}
