import { resolveQueue, topology, type QueueName } from '@platform/shared/topology';
import {
  perMessage,
  startQueueWorker,
  type HandlerObserver,
  type QueueBatchHandler,
  type QueueWorkerOptions,
} from '@platform/shared/messaging';
import { type AwsClients } from '@platform/shared/aws';
import { type Logger } from '@platform/shared/logging';
import { createNotificationHandler, type MailTransport } from '../modules/notifications';
import { createProfileEventHandler, type ProfileCache } from '../modules/profiles';
import type { UserConfig } from './config';
import type { Database, Pool } from './database';

/** One handler core per queue; the worker below and the Lambda entry run the same functions. */
export function createQueueHandlers(deps: {
  pool: Pool;
  prisma: Database;
  cache: ProfileCache;
  mailTransport: MailTransport;
  config: Pick<UserConfig, 'PUBLIC_APP_URL' | 'MAIL_FROM'>;
  logger: Logger;
}): Record<QueueName, QueueBatchHandler> {
  return {
    'user-profile-events': createProfileEventHandler({
      ...deps,
      logger: deps.logger.child({ consumer: 'profile-events' }),
    }),
    // One mail per message, the messages of a receive one after another.
    'user-notifications': perMessage(
      createNotificationHandler({ ...deps, logger: deps.logger.child({ consumer: 'notifications' }) }),
    ),
  };
}

/**
 * Starts a long-running sqs-consumer worker per queue and returns a stop function that stops
 * polling and waits for in-flight messages, so a SIGTERM deletes no message whose effect did not commit.
 * It never fails the start: a queue that cannot be looked up yet (SQS unreachable, the topology not
 * provisioned) is looked up again with backoff (1 s doubling to 30 s), logged once, and its worker
 * starts when it answers; meanwhile readiness reports SQS as failed.
 */
export async function startQueueWorkers(deps: {
  aws: Pick<AwsClients, 'sqs'>;
  prefix: string;
  handlers: Record<QueueName, QueueBatchHandler>;
  observe: HandlerObserver;
  logger: Logger;
  /** Tests poll briefly and retry at once; production keeps the runner's defaults. */
  tuning?: Pick<QueueWorkerOptions, 'waitTimeSeconds' | 'retryBackoff' | 'pollers' | 'idlePollers' | 'batchSize'>;
}): Promise<() => Promise<void>> {
  const stopping = new AbortController();
  const started = topology.queues.map(async (definition) => {
    const queue = await resolveWhenReachable(deps, definition.name, stopping.signal);
    if (!queue) return undefined;
    return startQueueWorker({
      sqs: deps.aws.sqs,
      queueName: deps.prefix + definition.name,
      queueUrl: queue.url,
      deadLetterQueueUrl: queue.deadLetterQueueUrl,
      handler: deps.handlers[definition.name],
      logger: deps.logger,
      observe: deps.observe,
      // Shorter than the queue's 180 s: the heartbeat keeps extending it while a handler works.
      visibilityTimeoutSeconds: 60,
      // stop() waits for the open long poll: 4 s keeps a SIGTERM shutdown inside tsx watch's 5 s and
      // docker's 10 s grace, so no message is caught invisible by a killed process (it would come
      // back only after the visibility timeout). The extra idle receives cost next to nothing.
      waitTimeSeconds: 4,
      ...deps.tuning,
    });
  });
  return async () => {
    stopping.abort();
    const workers = await Promise.all(started);
    await Promise.all(workers.map((worker) => worker?.stop()));
  };
}

/** The queue's URLs, looked up again with backoff until SQS answers; undefined when stopped first. */
async function resolveWhenReachable(
  deps: { aws: Pick<AwsClients, 'sqs'>; prefix: string; logger: Logger },
  name: QueueName,
  signal: AbortSignal,
) {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const queue = await resolveQueue(deps.aws, deps.prefix, name);
      if (attempt > 1) deps.logger.info({ queue: deps.prefix + name }, 'queue reachable: starting its worker');
      return queue;
    } catch (error) {
      if (attempt === 1) {
        deps.logger.error(
          { err: error, queue: deps.prefix + name },
          'queue unreachable: its worker starts once it answers',
        );
      }
      const delay = Math.min(30_000, 1000 * 2 ** (attempt - 1));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
  return undefined;
}
