import { type Role, roleSchema } from '@platform/shared/auth';
import { z } from 'zod';
import type { Pool, Tx } from '../../infrastructure/database';

export const exampleUser = {
  id: '019a7c1e-5b1f-7c3a-9d2e-4f6a8b0c1d2e',
  email: 'ada@example.com',
  displayName: 'Ada',
  roles: ['user'],
  emailVerified: false,
  status: 'active',
  createdAt: '2026-11-22T09:30:00.000Z',
} as const;

/** A user as the API shows it. */
export const userViewSchema = z
  .object({
    id: z.uuid(),
    // Null only on a deleted account's tombstone.
    email: z.email().nullable(),
    displayName: z.string().nullable(),
    roles: z.array(roleSchema),
    emailVerified: z.boolean(),
    status: z.enum(['active', 'deactivated', 'deleted']),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'User', description: 'An account as the API shows it', examples: [exampleUser] });
export type UserView = z.infer<typeof userViewSchema>;

export const withRoles = { roles: { select: { roleName: true } } } as const;

export interface UserWithRoles {
  id: string;
  email: string | null;
  displayName: string | null;
  status: UserView['status'];
  emailVerifiedAt: Date | null;
  createdAt: Date;
  version: number;
  passwordHash: string | null;
  roles: Array<{ roleName: string }>;
}

export function rolesOf(user: Pick<UserWithRoles, 'roles'>): Role[] {
  return user.roles.map((role) => roleSchema.parse(role.roleName));
}

export function toUserView(user: UserWithRoles): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: rolesOf(user),
    emailVerified: user.emailVerifiedAt !== null,
    status: user.status,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Emails are compared case-insensitively: stored and looked up lower-cased and trimmed. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .email()
  .max(254)
  .meta({ examples: ['ada@example.com'] });

export function findUserByEmail(db: Pick<Tx, 'user'>, email: string) {
  return db.user.findUnique({ where: { email: email.trim().toLowerCase() }, include: withRoles });
}

export function findUserById(db: Pick<Tx, 'user'>, id: string) {
  return db.user.findUnique({ where: { id }, include: withRoles });
}

/**
 * The user and their roles by email in one statement on node-postgres: the lookup of every login,
 * where `findUserByEmail` would be two Prisma queries at several times the CPU.
 */
export async function findUserForLogin(pool: Pick<Pool, 'query'>, email: string): Promise<UserWithRoles | null> {
  const { rows } = await pool.query<Omit<UserWithRoles, 'roles'> & { roleNames: string[] }>(
    `SELECT u.id::text AS id, u.email, u.display_name AS "displayName", u.password_hash AS "passwordHash",
            u.status::text AS status, u.email_verified_at AS "emailVerifiedAt", u.created_at AS "createdAt", u.version,
            coalesce(array_agg(r.role_name ORDER BY r.role_name) FILTER (WHERE r.role_name IS NOT NULL), '{}') AS "roleNames"
     FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
     WHERE u.email = $1
     GROUP BY u.id`,
    [email.trim().toLowerCase()],
  );
  const row = rows[0];
  if (!row) return null;
  const { roleNames, ...user } = row;
  return { ...user, roles: roleNames.map((roleName) => ({ roleName })) };
}
