import { requireRole } from '@platform/shared/auth';
import { forbidden } from '@platform/shared/http';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../../infrastructure/context';
import { rolesOf, withRoles } from '../users';

/**
 * The preHandlers of every admin route: a valid token of a live session that claims the admin role
 * (cheap checks first), then the caller's current state in auth_db: still active, not deleted, and
 * still an admin. A token minted before a demotion, deactivation or deletion grants nothing.
 */
export function adminGuard(deps: Pick<AuthContext, 'authenticate' | 'prisma'>) {
  return [
    deps.authenticate,
    requireRole('admin'),
    async function requireCurrentAdmin(request: FastifyRequest) {
      const caller = await deps.prisma.user.findUnique({
        where: { id: request.principal!.userId },
        include: withRoles,
      });
      if (!caller || caller.status !== 'active' || !rolesOf(caller).includes('admin')) {
        request.log.warn(
          { userId: request.principal!.userId },
          'admin token of a caller who is no longer an active admin',
        );
        throw forbidden('FORBIDDEN', 'requires role admin');
      }
    },
  ];
}
