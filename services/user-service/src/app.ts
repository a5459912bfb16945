import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  awsEndpointOf,
  createAwsClients,
  createBaseApp,
  registerHealthRoutes,
  resolveQueue,
  type AwsClients,
} from '@platform/shared';
import { loadUserConfig, type UserConfig } from './infrastructure/config';

export interface UserAppDeps {
  config?: UserConfig;
  aws?: AwsClients;
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
  const aws = deps.aws ?? createAwsClients({ region: config.AWS_REGION, endpoint: awsEndpointOf(config) });

  registerHealthRoutes(app, [
    {
      name: 'sqs',
      critical: true,
      check: async () => {
        const queue = await resolveQueue(aws, config.TOPOLOGY_PREFIX, 'user-profile-events');
        return aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }));
      },
    },
  ]);

  app.addHook('onClose', async () => {
    if (!deps.aws) aws.destroy();
  });
  return app;
}
