import { AppError } from '@platform/shared/http';
import type { FastifyRequest } from 'fastify';
import type { Tx } from '../../infrastructure/database';
import { findUserById } from './userView';

/**
 * The account behind a verified access token. A token outlives a deactivation or deletion by up
 * to 15 minutes; routes that act on the account refuse it then, as if the token were invalid.
 */
export async function loadActiveUser(db: Pick<Tx, 'user'>, request: FastifyRequest) {
  const user = await findUserById(db, request.principal!.userId);
  if (!user || user.status !== 'active') {
    throw new AppError(401, 'INVALID_TOKEN', 'the access token is invalid or expired', undefined, {
      'www-authenticate': 'Bearer',
    });
  }
  return user;
}
