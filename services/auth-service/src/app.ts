import { once } from 'node:events';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { createAuthenticate, createSessionRevocations } from '@platform/shared/auth';
import { resolveAwsEndpoint } from '@platform/shared/aws';
import { registerPoolMetrics } from '@platform/shared/database';
import { createRedis, redisIsReady, registerRedisMetrics, type Redis } from '@platform/shared/redis';
import { exposureFrom } from '@platform/shared/http';
import { buildService, type ServiceApp } from '@platform/shared/service';
import { resolveTopicArn } from '@platform/shared/topology';
import { registerAuthMetrics } from './infrastructure/authMetrics';
import { createAuthAwsClients, type AuthAwsClients } from './infrastructure/awsClients';
import { loadAuthConfig, type AuthConfig } from './infrastructure/config';
import type { AuthContext } from './infrastructure/context';
import { createPool, createPrisma, type Database, type Pool } from './infrastructure/database';
import { authApiTags } from './infrastructure/routeDocs';
import { createDeferredWork } from './infrastructure/deferredWork';
import { bootstrapAdmin, registerAdminRoutes } from './modules/admin';
import { registerAsyncApiRoute } from './modules/docs';
import { registerAuthRoutes } from './modules/auth';
import { registerEmailRoutes } from './modules/email';
import { registerJwksRoute } from './modules/jwks';
import { registerMailLinkPages } from './modules/mailLinks';
import { createOutboxRelay, startRelayLoop } from './modules/outbox';
import { createPasswordHasher, registerPasswordRoutes } from './modules/passwords';
import { createLoginLockout, registerRateLimits } from './modules/security';
import { createAccessTokens, loadSigningKeys } from './modules/tokens';

/** What a caller may pass instead of what buildApp would create (tests); a passed client is the caller's to close. */
export interface AuthAppDeps {
  config?: AuthConfig;
  aws?: AuthAwsClients;
  pool?: Pool;
  prisma?: Database;
  redis?: Redis;
  /** false: no in-process relay (the Lambda HTTP handler; tests that drive the relay themselves). */
  runOutboxRelay?: boolean;
}

/**
 * The auth-service: the shared service skeleton (buildService) filled with this service's clients,
 * health checks and modules. The HTTP server, the Lambda handlers and the tests all call it.
 */
export async function buildApp(deps: AuthAppDeps = {}): Promise<AuthApp> {
  const config = deps.config ?? loadAuthConfig();
  return buildService<AuthContext>({
    app: {
      service: 'auth-service',
      version: '0.1.0',
      description: 'Accounts, tokens and roles; publishes user lifecycle events',
      tags: authApiTags,
      logLevel: config.LOG_LEVEL,
      prettyLogs: config.NODE_ENV === 'development',
      exposure: exposureFrom(config),
      trustProxy: config.AUTH_TRUST_PROXY,
    },

    async context(scope) {
      const aws = scope.own(
        deps.aws,
        () => createAuthAwsClients({ region: config.AWS_REGION, endpoint: resolveAwsEndpoint(config) }),
        (clients) => clients.destroy(),
      );
      const pool = scope.own(
        deps.pool,
        () => createPool(config),
        (owned) => owned.end(),
      );
      const prisma = scope.own(
        deps.prisma,
        () => createPrisma(pool, config),
        (db) => db.$disconnect(),
      );
      const redis = scope.own(
        deps.redis,
        () => createRedis(config.REDIS_URL, scope.logger),
        (r) => r.disconnect(),
      );
      const signingKeys = await loadSigningKeys(config);
      const accessTokens = createAccessTokens({
        keys: signingKeys,
        issuer: config.AUTH_ISSUER,
        ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      });

      // Resolved on first use, so that the service starts (and reports unready) while SNS is down.
      let topicArn: Promise<string> | undefined;
      const userEventsTopicArn = () =>
        (topicArn ??= resolveTopicArn(aws, config.TOPOLOGY_PREFIX).catch((error: unknown) => {
          topicArn = undefined;
          throw error;
        }));
      const { loginAttempts, countRelayRuns } = registerAuthMetrics(scope.metrics, prisma);
      registerPoolMetrics(scope.metrics, pool, 'auth_db');
      registerRedisMetrics(scope.metrics, redis);
      const publishPendingOutboxEvents = countRelayRuns(
        createOutboxRelay({
          prisma,
          sns: aws.sns,
          topicArn: userEventsTopicArn,
          logger: scope.logger,
          batchSize: config.OUTBOX_RELAY_BATCH_SIZE,
          publishConcurrency: config.OUTBOX_RELAY_PUBLISH_CONCURRENCY,
          publishTimeoutMs: config.OUTBOX_RELAY_PUBLISH_TIMEOUT_MS,
          leaseSeconds: config.OUTBOX_RELAY_LEASE_SECONDS,
        }),
      );
      let relayLoop: ReturnType<typeof startRelayLoop> | undefined;
      if (deps.runOutboxRelay !== false) {
        scope.background('outbox relay', () => {
          relayLoop = startRelayLoop({
            publish: publishPendingOutboxEvents,
            intervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
            logger: scope.logger,
          });
          return relayLoop.stop;
        });
      }

      const revocations = createSessionRevocations(redis);
      // Closed before the clients it uses (reverse order): work after a response finishes first.
      const deferred = scope.own(undefined, createDeferredWork, (work) => work.settled());
      return {
        config,
        aws,
        pool,
        prisma,
        redis,
        revocations,
        passwords: createPasswordHasher(config),
        signingKeys,
        accessTokens,
        lockout: createLoginLockout(redis, config),
        loginAttempts,
        authenticate: createAuthenticate(accessTokens.verify, { revocations }),
        publishPendingOutboxEvents,
        nudgeRelay: () => relayLoop?.nudge(),
        deferred,
        userEventsTopicArn,
      };
    },

    health: ({ prisma, redis, aws, userEventsTopicArn }) => [
      { name: 'postgres', critical: true, check: () => prisma.$queryRaw`SELECT 1` },
      {
        name: 'redis',
        critical: false,
        check: async () => {
          // Just after start the client may still be connecting; give it a moment before saying degraded.
          if (!redisIsReady(redis)) await once(redis, 'ready', { signal: AbortSignal.timeout(1_000) });
          await redis.ping();
        },
      },
      {
        name: 'sns',
        critical: true,
        check: async () => aws.sns.send(new GetTopicAttributesCommand({ TopicArn: await userEventsTopicArn() })),
      },
    ],

    modules: [
      registerRateLimits,
      registerJwksRoute,
      registerAsyncApiRoute,
      registerAuthRoutes,
      registerEmailRoutes,
      registerPasswordRoutes,
      registerMailLinkPages,
      registerAdminRoutes,
      (app, context) => bootstrapAdmin(context, app.log),
    ],
  });
}

export type AuthApp = ServiceApp<AuthContext>;
