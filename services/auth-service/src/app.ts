import { once } from 'node:events';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { createAuthenticate } from '@platform/shared/auth';
import { resolveAwsEndpoint } from '@platform/shared/aws';
import { createBaseApp, registerHealthRoutes } from '@platform/shared/http';
import { createRedis, redisIsReady } from '@platform/shared/redis';
import { resolveTopicArn } from '@platform/shared/topology';
import { type Logger } from '@platform/shared/logging';
import { registerAuthMetrics } from './infrastructure/authMetrics';
import { createAuthAwsClients, type AuthAwsClients } from './infrastructure/awsClients';
import type { AuthDeps } from './infrastructure/authDeps';
import { loadAuthConfig, type AuthConfig } from './infrastructure/config';
import { createPrisma } from './infrastructure/database';
import { registerAdminUserRoutes } from './modules/admin/adminUserRoutes';
import { registerAuditLogRoutes } from './modules/admin/auditLogRoutes';
import { bootstrapAdmin } from './modules/admin/bootstrapAdmin';
import { registerLoginRoute } from './modules/auth/loginRoute';
import { registerMeRoutes } from './modules/auth/meRoutes';
import { registerRefreshRoutes } from './modules/auth/refreshRoutes';
import { registerRegisterRoute } from './modules/auth/registerRoute';
import { registerEmailRoutes } from './modules/email/emailRoutes';
import { registerJwksRoute } from './modules/jwks/jwksRoute';
import { createOutboxRelay } from './modules/outbox/outboxRelay';
import { startRelayLoop } from './modules/outbox/relayLoop';
import { createPasswordHasher } from './modules/passwords/passwordHasher';
import { registerPasswordRoutes } from './modules/passwords/passwordRoutes';
import { createLoginLockout } from './modules/security/loginLockout';
import { registerRateLimits } from './modules/security/rateLimits';
import { createAccessTokens } from './modules/tokens/accessTokens';
import { loadSigningKeys } from './modules/tokens/signingKeys';

export interface AuthAppDeps {
  config?: AuthConfig;
  aws?: AuthAwsClients;
  /** false: no in-process relay (the Lambda HTTP handler; tests that drive the relay themselves). */
  runOutboxRelay?: boolean;
}

/**
 * The composition root of the auth-service: every client is created once here and closed in
 * onClose. The HTTP server, the Lambda handlers and the tests all call it.
 */
export async function buildApp(deps: AuthAppDeps = {}) {
  const config = deps.config ?? loadAuthConfig();
  const app = await createBaseApp({
    service: 'auth-service',
    version: '0.1.0',
    description: 'Accounts, tokens and roles; publishes user lifecycle events',
    logLevel: config.LOG_LEVEL,
    prettyLogs: config.NODE_ENV === 'development' && process.stdout.isTTY,
    trustProxy: config.AUTH_TRUST_PROXY,
  });
  const aws = deps.aws ?? createAuthAwsClients({ region: config.AWS_REGION, endpoint: resolveAwsEndpoint(config) });
  const prisma = createPrisma(config);
  // Fastify's logger is a pino instance; its declared type is narrower.
  const redis = createRedis(config.REDIS_URL, app.log as unknown as Logger);
  // Resolved on first use so that the service starts (and reports unready) while SNS is down.
  let topicArn: Promise<string> | undefined;
  const userEventsTopicArn = () =>
    (topicArn ??= resolveTopicArn(aws, config.TOPOLOGY_PREFIX).catch((error) => {
      topicArn = undefined;
      throw error;
    }));

  const publishPendingOutboxEvents = createOutboxRelay({
    prisma,
    sns: aws.sns,
    topicArn: userEventsTopicArn,
    logger: app.log,
    batchSize: config.OUTBOX_RELAY_BATCH_SIZE,
  });
  const relayLoop =
    deps.runOutboxRelay === false
      ? undefined
      : startRelayLoop({
          publish: publishPendingOutboxEvents,
          intervalMs: config.OUTBOX_RELAY_INTERVAL_MS,
          batchSize: config.OUTBOX_RELAY_BATCH_SIZE,
          logger: app.log,
        });

  const signingKeys = await loadSigningKeys(config);
  const accessTokens = createAccessTokens({
    keys: signingKeys,
    issuer: config.AUTH_ISSUER,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const authDeps: AuthDeps = {
    config,
    prisma,
    redis,
    passwords: createPasswordHasher(config),
    signingKeys,
    accessTokens,
    lockout: createLoginLockout(redis, config),
    ...registerAuthMetrics(app.metrics, prisma),
    authenticate: createAuthenticate(accessTokens.verify),
    nudgeRelay: () => relayLoop?.nudge(),
  };

  app.addHook('onClose', async () => {
    await relayLoop?.stop();
    await prisma.$disconnect();
    redis.disconnect();
    if (!deps.aws) aws.destroy();
  });

  registerHealthRoutes(app, [
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
  ]);
  registerRateLimits(app, redis);
  registerJwksRoute(app, signingKeys);
  registerRegisterRoute(app, authDeps);
  registerLoginRoute(app, authDeps);
  registerRefreshRoutes(app, authDeps);
  registerMeRoutes(app, authDeps);
  registerEmailRoutes(app, authDeps);
  registerPasswordRoutes(app, authDeps);
  registerAdminUserRoutes(app, authDeps);
  registerAuditLogRoutes(app, authDeps);

  await bootstrapAdmin(authDeps, app.log);
  return Object.assign(app, { publishPendingOutboxEvents, authDeps });
}

export type AuthApp = Awaited<ReturnType<typeof buildApp>>;
