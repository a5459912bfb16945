import type { Redis } from '@platform/shared/redis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import type { PasswordHasher } from '../modules/passwords/passwordHasher';
import type { LoginLockout } from '../modules/security/loginLockout';
import type { AccessTokens } from '../modules/tokens/accessTokens';
import type { SigningKeys } from '../modules/tokens/signingKeys';
import type { AuthConfig } from './config';
import type { Prisma } from './database';

/** Everything the route modules use, created once in buildApp. */
export interface AuthDeps {
  config: AuthConfig;
  prisma: Prisma;
  redis: Redis;
  passwords: PasswordHasher;
  signingKeys: SigningKeys;
  accessTokens: AccessTokens;
  lockout: LoginLockout;
  loginAttempts: Counter<'outcome'>;
  /** Bearer-token preHandler (sets request.principal). */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Asks the in-process relay to publish soon (after a commit that wrote events). */
  nudgeRelay: () => void;
}
