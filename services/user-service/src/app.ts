import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createSessionRevocations } from '@platform/shared/auth';
import { resolveAwsEndpoint } from '@platform/shared/aws';
import { registerPoolMetrics } from '@platform/shared/database';
import { createRedis, redisIsReady, registerRedisMetrics, type Redis } from '@platform/shared/redis';
import { exposureFrom } from '@platform/shared/http';
import { buildService, type ServiceApp } from '@platform/shared/service';
import { resolveQueue } from '@platform/shared/topology';
import type { JWTVerifyGetKey } from 'jose';
import { createUserAuthentication } from './infrastructure/authentication';
import { createUserAwsClients, type UserAwsClients } from './infrastructure/awsClients';
import { loadUserConfig, profileCacheTtlSeconds, type UserConfig } from './infrastructure/config';
import { registerConsumerMetrics } from './infrastructure/consumerMetrics';
import type { UserContext } from './infrastructure/context';
import { createPool, createPrisma, type Database, type Pool } from './infrastructure/database';
import { userApiTags } from './infrastructure/routeDocs';
import { createQueueHandlers, startQueueWorkers } from './infrastructure/queueWorkers';
import { withRateLimits } from './infrastructure/rateLimits';
import { createMailTransport, type MailTransport } from './modules/notifications';
import { ProfileCache } from './modules/profiles';
import { registerUserRoutes } from './routes';

const CACHE_SWEEP_INTERVAL_MS = 2_000;

/** What a caller may pass instead of what buildApp would create (tests); a passed client is the caller's to close. */
export interface UserAppDeps {
  config?: UserConfig;
  aws?: UserAwsClients;
  pool?: Pool;
  prisma?: Database;
  redis?: Redis;
  /** Key set for access tokens; defaults to the auth-service JWKS (tests pass a local one). */
  accessTokenKeys?: JWTVerifyGetKey;
  mailTransport?: MailTransport;
  /** Run the SQS workers while the app is up (the long-running server); off for tests and Lambda. */
  workers?: boolean;
}

/**
 * The user-service: the shared service skeleton (buildService) filled with this service's clients,
 * health checks and modules. The HTTP server, the queue workers, the Lambda handlers and the tests
 * all call it.
 */
export async function buildApp(deps: UserAppDeps = {}): Promise<UserApp> {
  const config = deps.config ?? loadUserConfig();
  return buildService<UserContext>({
    app: {
      service: 'user-service',
      version: '0.1.0',
      description: 'Profiles, addresses, payment methods, preferences and wishlist',
      tags: userApiTags,
      logLevel: config.LOG_LEVEL,
      prettyLogs: config.NODE_ENV === 'development',
      exposure: exposureFrom(config),
      trustProxy: config.USER_TRUST_PROXY,
    },

    context(scope) {
      const { logger } = scope;
      const aws = scope.own(
        deps.aws,
        () => createUserAwsClients({ region: config.AWS_REGION, endpoint: resolveAwsEndpoint(config) }),
        (clients) => clients.destroy(),
      );
      const pool = scope.own(
        deps.pool,
        () => createPool(config),
        (owned) => owned.end(),
      );
      const prisma = scope.own(
        deps.prisma,
        () => createPrisma(pool),
        (db) => db.$disconnect(),
      );
      const redis = scope.own(
        deps.redis,
        () => createRedis(config.REDIS_URL, logger.child({ component: 'redis' })),
        (r) => r.disconnect(),
      );
      const mailTransport = scope.own(
        deps.mailTransport,
        () => createMailTransport(config, logger),
        (transport) => transport.close?.(),
      );
      const cache = new ProfileCache({
        redis,
        prisma,
        ttlSeconds: profileCacheTtlSeconds(config.NODE_ENV),
        registry: scope.metrics,
        logger,
      });
      // Invalidations that a Redis outage or a crash left in cache_invalidations: dropped once Redis answers.
      scope.background('profile cache sweeper', () => {
        const timer = setInterval(() => void cache.sweep().catch(() => undefined), CACHE_SWEEP_INTERVAL_MS);
        timer.unref();
        return async () => clearInterval(timer);
      });
      const queueHandlers = createQueueHandlers({ pool, prisma, cache, mailTransport, config, logger });
      registerPoolMetrics(scope.metrics, pool, 'user_db');
      registerRedisMetrics(scope.metrics, redis);
      const observe = registerConsumerMetrics(scope.metrics, { aws, prefix: config.TOPOLOGY_PREFIX, logger });

      if (deps.workers) {
        scope.background('queue workers', () =>
          startQueueWorkers({
            aws,
            prefix: config.TOPOLOGY_PREFIX,
            handlers: queueHandlers,
            observe,
            logger,
            tuning: {
              pollers: config.USER_QUEUE_POLLERS,
              idlePollers: config.USER_QUEUE_IDLE_POLLERS,
              batchSize: config.USER_QUEUE_BATCH_SIZE,
              retryBackoff: {
                baseSeconds: config.USER_QUEUE_RETRY_BASE_SECONDS,
                maxSeconds: config.USER_QUEUE_RETRY_MAX_SECONDS,
              },
            },
          }),
        );
      }

      return {
        config,
        aws,
        pool,
        prisma,
        redis,
        cache,
        mailTransport,
        queueHandlers,
        observe,
        ...withRateLimits(createUserAuthentication(config, createSessionRevocations(redis), deps.accessTokenKeys), {
          redis,
          config,
        }),
      };
    },

    health: ({ prisma, redis, aws, config, checkKeys }) => [
      { name: 'postgres', critical: true, check: () => prisma.$queryRaw`SELECT 1` },
      {
        name: 'sqs',
        critical: true,
        check: async () => {
          const queue = await resolveQueue(aws, config.TOPOLOGY_PREFIX, 'user-profile-events');
          return aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }));
        },
      },
      // Without the auth-service's JWKS, tokens already verified (and keys already fetched) still work,
      // and every replica would fail alike: degraded, not unavailable.
      { name: 'jwks', critical: false, check: checkKeys },
      // Without Redis every route still answers from Postgres: degraded, not unavailable.
      {
        name: 'redis',
        critical: false,
        check: async () => (redisIsReady(redis) ? redis.ping() : Promise.reject(new Error(`redis is ${redis.status}`))),
      },
    ],

    modules: [registerUserRoutes],
  });
}

export type UserApp = ServiceApp<UserContext>;
