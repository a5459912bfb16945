import type { BaseApp } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';
import { registerAdminUserRoutes } from './adminUserRoutes';
import { registerAuditLogRoutes } from './auditLogRoutes';

/** The admin module: /admin/users (status, roles) and /admin/audit-logs, plus the bootstrap admin. */
export function registerAdminRoutes(app: BaseApp, context: AuthContext) {
  registerAdminUserRoutes(app, context);
  registerAuditLogRoutes(app, context);
}
export { bootstrapAdmin } from './bootstrapAdmin';
