import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { resolveQueue, topology, type QueueName, type ResolvedQueue } from '@platform/shared/topology';
import { type AwsClients } from '@platform/shared/aws';
import { acceptedEventOf, type HandlerObserver } from '@platform/shared/messaging';
import { oncePerScrape } from '@platform/shared/http';
import { type Logger } from '@platform/shared/logging';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createOldestMessageAge, type OldestMessageAge } from './oldestMessageAge';

interface QueueSample {
  queue: string;
  kind: 'main' | 'dlq';
  visible: number;
  inFlight: number;
  delayed: number;
}

/**
 * The metrics of the event consumers, for /metrics:
 * - queue_messages_processed_total{queue,outcome} and queue_handler_duration_seconds{queue}, fed by
 *   the runners' HandlerObserver (the worker and the Lambda alike);
 * - event_lag_seconds{queue,type}: from the event's occurredAt to its effect committed (or its mail
 *   sent), for each first handling (duplicates left out);
 * - sqs_queue_messages{queue,kind,state} of every queue and DLQ (visible, in_flight, delayed) and
 *   sqs_queue_oldest_message_age_seconds{queue,kind} (see oldestMessageAge.ts), read with
 *   GetQueueAttributes when Prometheus scrapes; a queue that cannot be read is left out of that scrape.
 * A DLQ's depth is the sum of its states: a message someone is looking at (`npm run dlq`, a redrive)
 * is in flight, not gone.
 */
export function registerConsumerMetrics(
  registry: Registry,
  deps: { aws: Pick<AwsClients, 'sqs'>; prefix: string; logger: Logger },
): HandlerObserver {
  const processed = new Counter({
    name: 'queue_messages_processed_total',
    help: 'Queue messages handled, by queue and outcome (acknowledged outcomes, retry, reject, error)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'queue_handler_duration_seconds',
    help: 'Time a handler core took per message (its whole receive, handled as one batch), by queue',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'event_lag_seconds',
    help: "Time from an event's occurredAt (the producer's commit) to its effect committed by a consumer, by queue and event type",
    labelNames: ['queue', 'type'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });

  const ages = new Map<string, OldestMessageAge>();
  const ageOf = (queue: string) => {
    let age = ages.get(queue);
    if (!age) ages.set(queue, (age = createOldestMessageAge(Date.now())));
    return age;
  };
  const sample = queueSampler(deps);

  new Gauge({
    name: 'sqs_queue_messages',
    help: 'Messages in each queue and DLQ by state: visible (ApproximateNumberOfMessages), in_flight (…NotVisible: received, not yet deleted), delayed',
    labelNames: ['queue', 'kind', 'state'] as const,
    registers: [registry],
    async collect() {
      const samples = await sample();
      this.reset();
      for (const { queue, kind, visible, inFlight, delayed } of samples) {
        this.set({ queue, kind, state: 'visible' }, visible);
        this.set({ queue, kind, state: 'in_flight' }, inFlight);
        this.set({ queue, kind, state: 'delayed' }, delayed);
      }
    },
  });
  new Gauge({
    name: 'sqs_queue_oldest_message_age_seconds',
    help: 'Estimated age of the oldest message of each queue and DLQ (SQS reports the exact figure only to CloudWatch): from the latest receive, or the time since the queue was last seen empty',
    labelNames: ['queue', 'kind'] as const,
    registers: [registry],
    async collect() {
      const samples = await sample();
      const now = Date.now();
      this.reset();
      for (const { queue, kind, visible, inFlight, delayed } of samples)
        this.set({ queue, kind }, ageOf(queue).sample(now, visible + inFlight + delayed));
    },
  });

  return ({ queue, message, result, durationSeconds, receivedAt }) => {
    const outcome = result.action === 'acknowledge' ? result.outcome : result.action;
    processed.inc({ queue, outcome });
    latency.observe({ queue }, durationSeconds);
    ageOf(queue).received(receivedAt, message.sentAt);
    const event = acceptedEventOf(message);
    if (event && result.action === 'acknowledge' && result.outcome !== 'duplicate') {
      const occurredAt = Date.parse(event.occurredAt);
      if (Number.isFinite(occurredAt))
        lag.observe({ queue, type: event.type }, Math.max(0, Date.now() - occurredAt) / 1000);
    }
  };
}

/**
 * The state counts of every queue and DLQ of the topology, one GetQueueAttributes each; one sample
 * serves the gauges of a scrape. Queue URLs are looked up once (again after a failure).
 */
function queueSampler(deps: { aws: Pick<AwsClients, 'sqs'>; prefix: string; logger: Logger }) {
  const names = topology.queues.map((queue) => queue.name as QueueName);
  const resolved = new Map<QueueName, Promise<ResolvedQueue>>();
  const resolve = (name: QueueName) => {
    let queue = resolved.get(name);
    if (!queue) {
      queue = resolveQueue(deps.aws, deps.prefix, name);
      resolved.set(name, queue);
      queue.catch(() => resolved.delete(name));
    }
    return queue;
  };
  const read = async (queue: string, kind: QueueSample['kind'], url: string): Promise<QueueSample> => {
    const { Attributes = {} } = await deps.aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const count = (value: string | undefined) => Number(value ?? 0) || 0;
    return {
      queue,
      kind,
      visible: count(Attributes.ApproximateNumberOfMessages),
      inFlight: count(Attributes.ApproximateNumberOfMessagesNotVisible),
      delayed: count(Attributes.ApproximateNumberOfMessagesDelayed),
    };
  };
  const sampleAll = async (): Promise<QueueSample[]> => {
    const perQueue = await Promise.all(
      names.map(async (name) => {
        const definition = topology.queues.find((queue) => queue.name === name)!;
        try {
          const queue = await resolve(name);
          return await Promise.all([
            read(deps.prefix + definition.name, 'main', queue.url),
            read(deps.prefix + definition.deadLetterQueue.name, 'dlq', queue.deadLetterQueueUrl),
          ]);
        } catch (error) {
          resolved.delete(name);
          deps.logger.warn({ err: error, queue: deps.prefix + name }, 'could not read the queue depth');
          return [];
        }
      }),
    );
    return perQueue.flat();
  };

  return oncePerScrape(sampleAll);
}
