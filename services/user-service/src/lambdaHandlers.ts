import awsLambdaFastify, { type PromiseHandler } from '@fastify/aws-lambda';
import { createSqsLambdaHandler } from '@platform/shared/messaging';
import { type Logger } from '@platform/shared/logging';
import { type QueueName } from '@platform/shared/topology';
import type { SQSEvent } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';

/**
 * The Lambda runners around one lazily built app (built once per container, reused while warm):
 * an SQS handler per queue with partial batch responses, and the HTTP API through @fastify/aws-lambda.
 */
export function createLambdaHandlers(getApp: () => Promise<FastifyInstance>) {
  const sqsHandlerFor = (queue: QueueName) => async (event: SQSEvent) => {
    const app = await getApp();
    const { queueHandlers, observe, config } = app.userService;
    const handle = createSqsLambdaHandler({
      queueName: config.TOPOLOGY_PREFIX + queue,
      handler: queueHandlers[queue],
      logger: app.log as Logger,
      observe,
    });
    return handle(event);
  };

  let proxy: PromiseHandler | undefined;
  const http: PromiseHandler = async (event, context) => {
    const app = await getApp();
    // No request decorator: the app is already started (lambda.ts awaits ready()), and Fastify
    // refuses decorators after start, which failed every request of the packaged function.
    proxy ??= awsLambdaFastify(app, { decorateRequest: false });
    return proxy(event, context);
  };

  return {
    profileEvents: sqsHandlerFor('user-profile-events'),
    notifications: sqsHandlerFor('user-notifications'),
    http,
  };
}
