import { type Logger } from '@platform/shared/logging';
import { createSqsLambdaHandler } from '@platform/shared/messaging';
import { lambdaHttpHandler, lazyApp } from '@platform/shared/service';
import { startTracing } from '@platform/shared/tracing';
import { resolveQueue, type QueueName } from '@platform/shared/topology';
import type { SQSEvent } from 'aws-lambda';
import { buildApp, type UserApp } from './app';

/**
 * Entry points named in services/user-service/serverless.functions.yml, from the same buildApp as the
 * server: an SQS handler per queue (partial batch responses) and the HTTP API. The app is built on the
 * first invocation and reused while the container is warm; a failed build is retried (lazyApp).
 */
const app = lazyApp(() => {
  startTracing('user-service');
  return buildApp();
});

export const { profileEvents, notifications, http } = createLambdaHandlers(app.get);

/** Closes the cached app (tests; a Lambda container simply ends). */
export async function closeApp() {
  http.reset();
  await app.close();
}

/** The handlers around any lazily built app (the test builds its own). */
export function createLambdaHandlers(getApp: () => Promise<UserApp>) {
  const deadLetterQueueUrls: Partial<Record<QueueName, Promise<string>>> = {};
  const sqsHandlerFor = (queue: QueueName) => async (event: SQSEvent) => {
    const { context, log } = await getApp();
    const handle = createSqsLambdaHandler({
      queueName: context.config.TOPOLOGY_PREFIX + queue,
      handler: context.queueHandlers[queue],
      logger: log as Logger,
      observe: context.observe,
      deadLetters: {
        sqs: context.aws.sqs,
        queueUrl: async () =>
          (deadLetterQueueUrls[queue] ??= resolveQueue(context.aws, context.config.TOPOLOGY_PREFIX, queue).then(
            (resolved) => resolved.deadLetterQueueUrl,
          )),
      },
    });
    // No timers run between invocations: drop the cache keys a Redis outage left behind here.
    await context.cache.sweep().catch(() => undefined);
    return handle(event);
  };
  return {
    profileEvents: sqsHandlerFor('user-profile-events'),
    notifications: sqsHandlerFor('user-notifications'),
    http: lambdaHttpHandler(getApp),
  };
}
