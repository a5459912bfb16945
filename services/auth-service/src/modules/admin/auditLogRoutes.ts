import { adminGuard } from './currentAdmin';
import type { BaseApp } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { auditLogsPage, auditLogsQuery } from './adminSchemas';

/** GET /admin/audit-logs: newest first, optionally of one user, cursor-paged (ids are UUIDv7). */
export function registerAuditLogRoutes(app: BaseApp, deps: AuthContext) {
  app.get(
    '/admin/audit-logs',
    {
      preHandler: adminGuard(deps),
      schema: authRoute({
        operationId: 'listAuditLogs',
        summary: 'The security audit log, newest first, by cursor pages',
        description:
          'Logins, failures, lockouts, password and role changes, deactivations, deletions; `userId` filters.',
        tags: ['admin'],
        auth: 'admin',
        querystring: auditLogsQuery,
        response: { 200: auditLogsPage },
      }),
    },
    async (request) => {
      const { cursor, limit, userId } = request.query;
      const rows = await deps.prisma.securityAuditLog.findMany({
        where: { ...(userId ? { userId } : {}), ...(cursor ? { id: { lt: cursor } } : {}) },
        orderBy: { id: 'desc' },
        take: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((row) => ({ ...row, details: row.details ?? null, createdAt: row.createdAt.toISOString() })),
        nextCursor: rows.length > limit ? page.at(-1)!.id : null,
      };
    },
  );
}
