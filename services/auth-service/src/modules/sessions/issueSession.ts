import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../infrastructure/context';
import type { Tx } from '../../infrastructure/database';
import type { AuditRow } from '../audit';
import { generateOpaqueToken, hashOpaqueToken } from '../tokens';
import { rolesOf, toUserView, type UserWithRoles } from '../users';
import { createRefreshToken } from './refreshTokens';

/**
 * A new access token and refresh token for `user`, in `familyId` (rotation) or a new family
 * (login). Call inside the transaction that authorised it, so a failed commit leaves no token.
 */
export async function issueSession(
  deps: Pick<AuthContext, 'accessTokens' | 'config'>,
  tx: Pick<Tx, 'refreshToken'>,
  user: UserWithRoles,
  familyId?: string,
) {
  const refresh = await createRefreshToken(tx, {
    userId: user.id,
    familyId,
    ttlDays: deps.config.REFRESH_TOKEN_TTL_DAYS,
  });
  const accessToken = await deps.accessTokens.issue({
    id: user.id,
    roles: rolesOf(user),
    sessionId: refresh.row.familyId,
  });
  return {
    session: {
      user: toUserView(user),
      accessToken,
      refreshToken: refresh.token,
      expiresIn: deps.accessTokens.ttlSeconds,
    },
    refreshRow: refresh.row,
  };
}

/**
 * A login's new session: the refresh token of a new family and its audit row in one statement on
 * node-postgres (one statement is atomic: no transaction, one round trip), the access token signed
 * meanwhile. The hot path of every login; issueSession does the same inside a Prisma transaction.
 */
export async function startSession(
  deps: Pick<AuthContext, 'accessTokens' | 'config' | 'pool'>,
  user: UserWithRoles,
  audit: AuditRow,
) {
  const refreshToken = generateOpaqueToken();
  const familyId = uuidv7();
  const expiresAt = new Date(Date.now() + deps.config.REFRESH_TOKEN_TTL_DAYS * 24 * 60 * 60 * 1000);
  const [accessToken] = await Promise.all([
    deps.accessTokens.issue({ id: user.id, roles: rolesOf(user), sessionId: familyId }),
    deps.pool.query(
      `WITH audit AS (
         INSERT INTO security_audit_logs (id, user_id, actor_id, event, ip, user_agent, details)
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7::jsonb))
       INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
       VALUES ($8::uuid, $9::uuid, $10::uuid, $11, $12)`,
      [
        audit.id,
        audit.userId,
        audit.actorId,
        audit.event,
        audit.ip,
        audit.userAgent,
        audit.details === undefined ? null : JSON.stringify(audit.details),
        uuidv7(),
        user.id,
        familyId,
        hashOpaqueToken(refreshToken),
        expiresAt,
      ],
    ),
  ]);
  return { user: toUserView(user), accessToken, refreshToken, expiresIn: deps.accessTokens.ttlSeconds };
}
