import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { Prisma, Tx } from '../../infrastructure/database';

/** Security facts worth an audit row. Values are stable: admins filter on them. */
export const auditEvents = [
  'user_registered',
  'registration_with_taken_email',
  'login_succeeded',
  'login_failed',
  'account_locked',
  'refresh_token_reused',
  'logout',
  'logout_all',
  'password_changed',
  'password_reset_requested',
  'password_reset',
  'email_verification_requested',
  'email_verified',
  'roles_changed',
  'user_deactivated',
  'user_reactivated',
  'account_deleted',
  'admin_bootstrapped',
] as const;
export type AuditEvent = (typeof auditEvents)[number];

/** Who made a request: what the audit log and events need from it, never a secret. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  correlationId: string;
}

export function contextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
    correlationId: request.correlationId,
  };
}

export interface AuditEntry {
  event: AuditEvent;
  userId?: string | null;
  actorId?: string | null;
  /** Non-secret facts only (reasons, role names, family ids). */
  details?: Prisma.InputJsonValue;
}

/** Writes audit rows (one statement), inside the caller's transaction when given one. */
export async function recordAudit(
  db: Pick<Tx, 'securityAuditLog'>,
  context: RequestContext,
  ...entries: [AuditEntry, ...AuditEntry[]]
) {
  await db.securityAuditLog.createMany({ data: entries.map((entry) => auditRow(context, entry)) });
}

/** One audit row's values (as recordAudit writes them; a login's session writes its row in its own statement). */
export function auditRow(context: RequestContext, entry: AuditEntry) {
  return {
    id: uuidv7(),
    event: entry.event,
    userId: entry.userId ?? null,
    actorId: entry.actorId ?? null,
    ip: context.ip,
    userAgent: context.userAgent,
    ...(entry.details === undefined ? {} : { details: entry.details }),
  };
}

export type AuditRow = ReturnType<typeof auditRow>;
