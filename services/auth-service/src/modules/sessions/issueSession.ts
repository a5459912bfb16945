import type { AuthContext } from '../../infrastructure/context';
import type { Tx } from '../../infrastructure/database';
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
