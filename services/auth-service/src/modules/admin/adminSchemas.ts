import { roleSchema } from '@platform/shared/auth';
import { z } from 'zod';
import { userViewSchema } from '../users';

export const pageQuery = z.object({
  cursor: z.uuid().optional().meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const usersPage = z
  .object({
    items: z.array(userViewSchema),
    nextCursor: z.uuid().nullable().meta({ description: 'The `cursor` of the next page; null on the last page' }),
  })
  .meta({ id: 'UsersPage' });

export const userIdParams = z.object({ id: z.uuid() });

export const deactivateBody = z
  .object({ reason: z.string().trim().max(500).optional() })
  .nullish()
  .meta({ description: 'Optional reason, passed on in user.deactivated' });

export const rolesBody = z.object({
  roles: z.array(roleSchema).min(1).max(10).meta({ description: 'The complete set of roles; "user" is always kept' }),
});

export const auditLogsQuery = pageQuery.extend({ userId: z.uuid().optional() });

export const auditLogView = z
  .object({
    id: z.uuid(),
    event: z.string().meta({ examples: ['login_failed'] }),
    userId: z.uuid().nullable().meta({ description: 'Whose account it concerns' }),
    actorId: z.uuid().nullable().meta({ description: 'The admin who acted, for admin actions' }),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.unknown().meta({ description: 'Per event (JSON or null), e.g. the reason of a failed login' }),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'AuditLogEntry' });

export const auditLogsPage = z
  .object({
    items: z.array(auditLogView),
    nextCursor: z.uuid().nullable().meta({ description: 'The `cursor` of the next page; null on the last page' }),
  })
  .meta({ id: 'AuditLogPage' });
