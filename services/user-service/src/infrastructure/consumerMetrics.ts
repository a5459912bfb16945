import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { resolveQueue, topology, type QueueName } from '@platform/shared/topology';
import { type AwsClients } from '@platform/shared/aws';
import { type HandlerObserver } from '@platform/shared/messaging';
import { type Logger } from '@platform/shared/logging';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Queue metrics: messages by outcome (applied, duplicate, stale, …, retry, error) and handler
 * latency, fed by the runners' HandlerObserver; DLQ depth read from SQS when Prometheus scrapes.
 */
export function registerConsumerMetrics(registry: Registry): HandlerObserver {
  const processed = new Counter({
    name: 'queue_messages_processed_total',
    help: 'Queue messages handled, by queue and outcome (acknowledged outcomes, retry, error)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'queue_handler_duration_seconds',
    help: 'Time a handler core took per message, by queue',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return ({ queue, result, durationSeconds }) => {
    const outcome = result.action === 'acknowledge' ? result.outcome : result.action;
    processed.inc({ queue, outcome });
    latency.observe({ queue }, durationSeconds);
  };
}

/** sqs_dlq_depth{queue}: messages waiting in each DLQ, fetched on scrape (a failed fetch leaves the series out). */
export function registerDlqDepthGauge(
  registry: Registry,
  deps: { aws: Pick<AwsClients, 'sqs'>; prefix: string; logger: Logger },
) {
  const queueNames = topology.queues.map((queue) => queue.name as QueueName);
  new Gauge({
    name: 'sqs_dlq_depth',
    help: 'Approximate number of messages in the dead-letter queue of each queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queueNames.map(async (name) => {
          try {
            const { deadLetterQueueUrl } = await resolveQueue(deps.aws, deps.prefix, name);
            const { Attributes } = await deps.aws.sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: deadLetterQueueUrl,
                AttributeNames: ['ApproximateNumberOfMessages'],
              }),
            );
            this.set({ queue: name }, Number(Attributes?.ApproximateNumberOfMessages ?? 0));
          } catch (error) {
            deps.logger.warn({ err: error, queue: name }, 'could not read DLQ depth');
          }
        }),
      );
    },
  });
}
