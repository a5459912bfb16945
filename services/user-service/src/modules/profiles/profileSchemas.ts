import { z } from 'zod';

export const profileStatusSchema = z.enum(['active', 'deactivated', 'deleted']);

/** What GET /users/me returns; also the value cached under user:id:{userId}. */
export const profileSchema = z
  .object({
    id: z.uuid(),
    // Null only on a deleted profile's tombstone (an admin may still read it).
    email: z.string().nullable(),
    displayName: z.string().nullable(),
    phone: z.string().nullable().optional(),
    avatarUrl: z.string().nullable().optional(),
    emailVerified: z.boolean(),
    status: profileStatusSchema,
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'Profile',
    description: 'A user’s profile: email, verification and status mirror the auth-service; the rest is the user’s',
    examples: [
      {
        id: '019a7c1e-5b1f-7c3a-9d2e-4f6a8b0c1d2e',
        email: 'ada@example.com',
        displayName: 'Ada',
        phone: '+14155550123',
        avatarUrl: null,
        emailVerified: true,
        status: 'active',
        createdAt: '2026-11-22T09:30:00.012Z',
        updatedAt: '2026-11-22T09:41:07.450Z',
      },
    ],
  });

export type ProfileView = z.infer<typeof profileSchema>;

/** E.164: a plus, a country code and up to 15 digits in all. */
export const phoneSchema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550123');

/** PATCH /users/me: the fields the user owns here; email and status belong to the auth-service. */
export const updateProfileBodySchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100),
    phone: phoneSchema.nullable(),
    avatarUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .max(2048)
      .nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'at least one field is required')
  .meta({ examples: [{ displayName: 'Ada Lovelace', phone: '+14155550123' }] });

export type UpdateProfileBody = z.infer<typeof updateProfileBodySchema>;

export const userIdParamsSchema = z.object({ id: z.uuid() });

interface ProfileRow {
  id: string;
  email: string | null;
  displayName: string | null;
  phone: string | null;
  avatarUrl: string | null;
  emailVerified: boolean;
  status: z.infer<typeof profileStatusSchema>;
  createdAt: Date;
  updatedAt: Date;
}

export function toProfileView(row: ProfileRow): ProfileView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    phone: row.phone,
    avatarUrl: row.avatarUrl,
    emailVerified: row.emailVerified,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
