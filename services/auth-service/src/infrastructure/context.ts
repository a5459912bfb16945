import type { SessionRevocations } from '@platform/shared/auth';
import type { Redis } from '@platform/shared/redis';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import type { PublishPendingOutboxEvents } from '../modules/outbox';
import type { PasswordHasher } from '../modules/passwords';
import type { LoginLockout } from '../modules/security';
import type { AccessTokens, SigningKeys } from '../modules/tokens';
import type { AuthAwsClients } from './awsClients';
import type { AuthConfig } from './config';
import type { Database, Pool } from './database';
import type { DeferredWork } from './deferredWork';

/** Everything the auth-service's modules use, created once in buildApp (app.context). */
export interface AuthContext {
  config: AuthConfig;
  aws: AuthAwsClients;
  /** node-postgres pool under `prisma`, for the few hot statements written in SQL (the login path). */
  pool: Pool;
  prisma: Database;
  redis: Redis;
  passwords: PasswordHasher;
  signingKeys: SigningKeys;
  accessTokens: AccessTokens;
  lockout: LoginLockout;
  loginAttempts: Counter<'outcome'>;
  /** Ended sessions (Redis): written when sessions end, read by `authenticate` on both services. */
  revocations: SessionRevocations;
  /** Bearer-token preHandler (sets request.principal); refuses tokens of ended sessions. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Publishes one batch of due outbox rows (the in-process loop, the scheduled Lambda, tests). */
  publishPendingOutboxEvents: PublishPendingOutboxEvents;
  /** The ARN of the user-events topic, looked up once it is first needed (and again after a failure). */
  userEventsTopicArn: () => Promise<string>;
  /** Asks the in-process relay to publish soon (after a commit that wrote events). */
  nudgeRelay: () => void;
  /** Work done after the answer has left (forgot-password, a concealed registration): its timing tells nothing. */
  deferred: DeferredWork;
}
