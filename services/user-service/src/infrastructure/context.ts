import type { HandlerObserver, QueueBatchHandler } from '@platform/shared/messaging';
import type { Redis } from '@platform/shared/redis';
import type { QueueName } from '@platform/shared/topology';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailTransport } from '../modules/notifications';
import type { ProfileCache } from '../modules/profiles';
import type { UserAwsClients } from './awsClients';
import type { UserConfig } from './config';
import type { Database, Pool } from './database';

/** Everything the user-service's modules use, created once in buildApp (app.context). */
export interface UserContext {
  config: UserConfig;
  aws: UserAwsClients;
  /** The user_db pool; Prisma runs on it, and the set-based event path uses it directly. */
  pool: Pool;
  prisma: Database;
  redis: Redis;
  cache: ProfileCache;
  mailTransport: MailTransport;
  /** One handler core per queue: the long-running workers and the Lambda SQS handlers run these. */
  queueHandlers: Record<QueueName, QueueBatchHandler>;
  observe: HandlerObserver;
  /** Bearer-token check of every /users route (sets request.principal), within the per-user and per-IP budgets. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Readiness: the access-token keys are at hand (the JWKS fetched recently, or now). */
  checkKeys: () => Promise<void>;
}
