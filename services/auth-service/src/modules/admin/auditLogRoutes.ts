import { adminGuard } from './currentAdmin';
import { type BaseApp, errorResponse } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { auditLogsPage, auditLogsQuery } from './adminSchemas';

/** GET /admin/audit-logs: newest first, optionally of one user, cursor-paged (ids are UUIDv7). */
export function registerAuditLogRoutes(app: BaseApp, deps: AuthContext) {
  app.get(
    '/admin/audit-logs',
    {
      preHandler: adminGuard(deps),
      schema: {
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        querystring: auditLogsQuery,
        response: { 200: auditLogsPage, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
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
