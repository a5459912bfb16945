import { type Role, roleSchema } from '@platform/shared/auth';
import { z } from 'zod';
import type { Tx } from '../../infrastructure/database';

/** A user as the API shows it. */
export const userViewSchema = z.object({
  id: z.uuid(),
  email: z.email().nullable(),
  displayName: z.string().nullable(),
  roles: z.array(roleSchema),
  emailVerified: z.boolean(),
  status: z.enum(['active', 'deactivated', 'deleted']),
  createdAt: z.iso.datetime({ offset: true }),
});
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
export const emailSchema = z.string().trim().toLowerCase().email().max(254).meta({ example: 'ada@example.com' });

export function findUserByEmail(db: Pick<Tx, 'user'>, email: string) {
  return db.user.findUnique({ where: { email: email.trim().toLowerCase() }, include: withRoles });
}

export function findUserById(db: Pick<Tx, 'user'>, id: string) {
  return db.user.findUnique({ where: { id }, include: withRoles });
}
