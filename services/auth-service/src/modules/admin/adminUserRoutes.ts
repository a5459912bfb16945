import type { z } from 'zod';
import { type BaseApp, conflict, notFound } from '@platform/shared/http';
import type { Role } from '@platform/shared/auth';
import type { AuthContext } from '../../infrastructure/context';
import { authRoute } from '../../infrastructure/routeDocs';
import { contextOf, recordAudit } from '../audit';
import { toUserView, userViewSchema, withRoles } from '../users';
import { deactivateBody, pageQuery, rolesBody, userIdParams, usersPage } from './adminSchemas';
import { adminGuard } from './currentAdmin';
import { endSessions, revokeAllOfUser } from '../sessions';
import { setUserStatus } from './userStatus';

/** Admin routes on users: list (cursor paging), deactivate, reactivate, set roles. */
export function registerAdminUserRoutes(app: BaseApp, deps: AuthContext) {
  const guard = { preHandler: adminGuard(deps) };
  const common = { tags: ['admin'], auth: 'admin' } as const;

  app.get(
    '/admin/users',
    {
      ...guard,
      schema: authRoute({
        ...common,
        operationId: 'listUsers',
        summary: 'List users, oldest first, by cursor pages',
        description: 'Every status, deleted tombstones included. Pass `nextCursor` as `cursor` for the next page.',
        querystring: pageQuery,
        response: { 200: usersPage },
      }),
    },
    async (request) => {
      const { cursor, limit } = request.query;
      // Ids are UUIDv7, so id order is creation order and a stable cursor.
      const rows = await deps.prisma.user.findMany({
        where: cursor ? { id: { gt: cursor } } : {},
        orderBy: { id: 'asc' },
        take: limit + 1,
        include: withRoles,
      });
      const page = rows.slice(0, limit);
      return { items: page.map(toUserView), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
  );

  for (const action of ['deactivate', 'reactivate'] as const) {
    app.post(
      `/admin/users/:id/${action}`,
      {
        ...guard,
        schema: authRoute({
          ...common,
          ...(action === 'deactivate'
            ? {
                operationId: 'deactivateUser',
                summary: 'Deactivate a user',
                description:
                  'The user can no longer log in, every session ends and `user.deactivated` is published. ' +
                  'Deactivating a deactivated user changes nothing.',
                body: deactivateBody,
                errors: ['USER_NOT_FOUND', 'CANNOT_DEACTIVATE_SELF'],
              }
            : {
                operationId: 'reactivateUser',
                summary: 'Reactivate a deactivated user',
                description: 'Publishes `user.reactivated`. Reactivating an active user changes nothing.',
                errors: ['USER_NOT_FOUND'],
              }),
          params: userIdParams,
          response: { 200: userViewSchema },
        }),
      },
      async (request) => {
        const { id } = request.params;
        const reason =
          action === 'deactivate' ? ((request.body as z.infer<typeof deactivateBody>)?.reason ?? null) : null;
        return toUserView(await setUserStatus(deps, request, id, action, reason));
      },
    );
  }

  app.put(
    '/admin/users/:id/roles',
    {
      ...guard,
      schema: authRoute({
        ...common,
        operationId: 'setUserRoles',
        summary: 'Set a user’s roles',
        description:
          'The complete set (`user` is always kept). A change ends the user’s sessions: the new roles come ' +
          'with their next login.',
        params: userIdParams,
        body: rolesBody,
        response: { 200: userViewSchema },
        errors: ['USER_NOT_FOUND', 'CANNOT_DEMOTE_SELF'],
      }),
    },
    async (request) => {
      const { id } = request.params;
      const roles = [...new Set<Role>(['user', ...request.body.roles])];
      const actorId = request.principal!.userId;
      if (id === actorId && !roles.includes('admin')) {
        throw conflict('CANNOT_DEMOTE_SELF', 'an admin cannot remove their own admin role');
      }
      const user = await deps.prisma.$transaction(async (tx) => {
        const before = await tx.user.findUnique({ where: { id }, include: withRoles });
        if (!before || before.status === 'deleted') throw notFound('USER_NOT_FOUND', 'no such user');
        await tx.userRole.deleteMany({ where: { userId: id, roleName: { notIn: roles } } });
        await tx.userRole.createMany({
          data: roles.map((roleName) => ({ userId: id, roleName })),
          skipDuplicates: true,
        });
        const after = await tx.user.update({ where: { id }, data: { version: { increment: 1 } }, include: withRoles });
        // Tokens carry roles: a changed set of roles ends the user's sessions, so no token keeps the old ones.
        const changed =
          before.roles.length !== roles.length || before.roles.some((r) => !roles.includes(r.roleName as Role));
        const revoked = changed ? await revokeAllOfUser(tx, id, 'roles_changed') : { count: 0, families: [] };
        await recordAudit(tx, contextOf(request), {
          event: 'roles_changed',
          userId: id,
          actorId,
          details: { from: before.roles.map((r) => r.roleName), to: roles, revokedTokens: revoked.count },
        });
        return { after, families: revoked.families };
      });
      await endSessions(deps, user.families, request.log);
      return toUserView(user.after);
    },
  );
}
