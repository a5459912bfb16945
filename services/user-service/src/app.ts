import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { resolveAwsEndpoint } from '@platform/shared/aws';
import { createBaseApp, registerHealthRoutes, type BaseApp } from '@platform/shared/http';
import { createRedis, redisIsReady, type Redis } from '@platform/shared/redis';
import { resolveQueue } from '@platform/shared/topology';
import { type Logger } from '@platform/shared/logging';
import type { JWTVerifyGetKey } from 'jose';
import { createUserAuthentication } from './infrastructure/authentication';
import { createUserAwsClients, type UserAwsClients } from './infrastructure/awsClients';
import { loadUserConfig, profileCacheTtlSeconds, type UserConfig } from './infrastructure/config';
import { registerConsumerMetrics, registerDlqDepthGauge } from './infrastructure/consumerMetrics';
import { createPrisma, type Database } from './infrastructure/database';
import { createQueueHandlers, startQueueWorkers } from './infrastructure/queueWorkers';
import { createMailTransport, type MailTransport } from './modules/notifications/mailTransport';
import { registerUserRoutes } from './routes';
import { ProfileCache } from './modules/profiles/ProfileCache';

export interface UserAppDeps {
  config?: UserConfig;
  aws?: UserAwsClients;
  prisma?: Database;
  redis?: Redis;
  /** Key set for access tokens; defaults to the auth-service JWKS (tests pass a local one). */
  accessTokenKeys?: JWTVerifyGetKey;
  mailTransport?: MailTransport;
  /** Run the SQS workers while the app is up (the long-running server); off for tests and Lambda. */
  workers?: boolean;
}

/**
 * The composition root of the user-service: every client is created once here and closed in
 * onClose. The HTTP server, the queue workers, the Lambda handlers and the tests all call it.
 */
export async function buildApp(deps: UserAppDeps = {}) {
  const config = deps.config ?? loadUserConfig();
  const app = await createBaseApp({
    service: 'user-service',
    version: '0.1.0',
    description: 'Profiles, addresses, payment methods, preferences and wishlist',
    logLevel: config.LOG_LEVEL,
    prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
  });
  const logger = app.log as Logger;
  const aws = deps.aws ?? createUserAwsClients({ region: config.AWS_REGION, endpoint: resolveAwsEndpoint(config) });
  const prisma = deps.prisma ?? createPrisma(config);
  const redis = deps.redis ?? createRedis(config.REDIS_URL, logger.child({ component: 'redis' }));
  const cache = new ProfileCache({
    redis,
    prisma,
    ttlSeconds: profileCacheTtlSeconds(config.NODE_ENV),
    registry: app.metrics,
    logger,
  });
  const mailTransport = deps.mailTransport ?? createMailTransport(config, logger);

  const queueHandlers = createQueueHandlers({ prisma, cache, mailTransport, config, logger });
  const observe = registerConsumerMetrics(app.metrics);
  registerDlqDepthGauge(app.metrics, { aws, prefix: config.TOPOLOGY_PREFIX, logger });
  app.decorate('userService', { config, aws, prisma, cache, queueHandlers, observe });

  registerHealthRoutes(app, [
    { name: 'postgres', critical: true, check: () => prisma.$queryRaw`SELECT 1` },
    {
      name: 'sqs',
      critical: true,
      check: async () => {
        const queue = await resolveQueue(aws, config.TOPOLOGY_PREFIX, 'user-profile-events');
        return aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }));
      },
    },
    // Without Redis every route still answers from Postgres: degraded, not unavailable.
    {
      name: 'redis',
      critical: false,
      check: async () => (redisIsReady(redis) ? redis.ping() : Promise.reject(new Error(`redis is ${redis.status}`))),
    },
  ]);
  registerUserRoutes(app, { prisma, cache, authenticate: createUserAuthentication(config, deps.accessTokenKeys) });

  if (deps.workers) {
    let stopWorkers: (() => Promise<void>) | undefined;
    app.addHook('onReady', async () => {
      stopWorkers = await startQueueWorkers({
        aws,
        prefix: config.TOPOLOGY_PREFIX,
        handlers: queueHandlers,
        observe,
        logger,
        tuning: {
          retryBackoff: {
            baseSeconds: config.USER_QUEUE_RETRY_BASE_SECONDS,
            maxSeconds: config.USER_QUEUE_RETRY_MAX_SECONDS,
          },
        },
      });
    });
    // preClose: in-flight messages finish while Postgres and Redis are still open.
    app.addHook('preClose', async () => stopWorkers?.());
  }

  app.addHook('onClose', async () => {
    await mailTransport.close?.();
    if (!deps.redis) redis.disconnect();
    if (!deps.prisma) await prisma.$disconnect();
    if (!deps.aws) aws.destroy();
  });
  return app;
}

export type UserApp = BaseApp & { userService: UserServiceContext };

export interface UserServiceContext {
  config: UserConfig;
  aws: UserAwsClients;
  prisma: Database;
  cache: ProfileCache;
  queueHandlers: ReturnType<typeof createQueueHandlers>;
  observe: ReturnType<typeof registerConsumerMetrics>;
}

declare module 'fastify' {
  interface FastifyInstance {
    userService: UserServiceContext;
  }
}
