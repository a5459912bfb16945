import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import {
  awsEndpointOf,
  createAwsClients,
  createBaseApp,
  registerHealthRoutes,
  resolveTopicArn,
  type AwsClients,
} from '@platform/shared';
import { loadAuthConfig, type AuthConfig } from './infrastructure/config';

export interface AuthAppDeps {
  config?: AuthConfig;
  aws?: AwsClients;
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
  });
  const aws = deps.aws ?? createAwsClients({ region: config.AWS_REGION, endpoint: awsEndpointOf(config) });
  // Resolved on first use so that the service starts (and reports unready) while SNS is down.
  let topicArn: Promise<string> | undefined;
  const userEventsTopicArn = () => (topicArn ??= resolveTopicArn(aws, config.TOPOLOGY_PREFIX).catch((error) => {
    topicArn = undefined;
    throw error;
  }));

  registerHealthRoutes(app, [
    { name: 'sns', critical: true, check: async () => aws.sns.send(new GetTopicAttributesCommand({ TopicArn: await userEventsTopicArn() })) },
  ]);

  app.addHook('onClose', async () => {
    if (!deps.aws) aws.destroy();
  });
  return app;
}
