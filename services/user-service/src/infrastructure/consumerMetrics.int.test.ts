import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '@platform/shared/aws';
import { toSnsPublishInput, type UserEvent } from '@platform/shared/events';
import { type Logger } from '@platform/shared/logging';
import { metricSum, metricValue, provisionIsolatedTopology } from '@platform/shared/testing';
import { sampleDeadLetters } from '../../../../scripts/dlq/deadLetters';
import { buildTestApp, createObserverSpy, makeEvent } from '../../test/testApp';
import { startQueueWorkers } from './queueWorkers';

/** The metrics an operator reads, against a real SNS/SQS endpoint, Postgres and Redis: they must move. */
const aws = createAwsClients();
let provisioned: Awaited<ReturnType<typeof provisionIsolatedTopology>>;
let t: Awaited<ReturnType<typeof buildTestApp>>;

beforeAll(async () => {
  provisioned = await provisionIsolatedTopology(aws);
  t = await buildTestApp({ env: { TOPOLOGY_PREFIX: provisioned.prefix } });
});
afterAll(async () => {
  await t?.app.close();
  await provisioned?.destroy();
  aws.destroy();
});

const scrape = async () => (await t.inject({ method: 'GET', url: '/metrics' })).body;
const profileQueue = () => provisioned.queues['user-profile-events']!;
const main = () => `${provisioned.prefix}user-profile-events`;
const dlq = () => `${provisioned.prefix}user-profile-events-dlq`;
const publish = (event: UserEvent) => aws.sns.send(new PublishCommand(toSnsPublishInput(provisioned.topicArn, event)));

describe('consumer metrics on /metrics', () => {
  it('a DLQ keeps its depth while `npm run dlq` looks at it, and its oldest message ages', async () => {
    // Seen empty first: the age counts from here.
    expect(metricValue(await scrape(), 'sqs_queue_messages', { queue: dlq(), state: 'visible' })).toBe(0);
    await aws.sqs.send(
      new SendMessageCommand({ QueueUrl: profileQueue().deadLetterQueue.url, MessageBody: 'not an event' }),
    );
    let text = await scrape();
    expect(metricValue(text, 'sqs_queue_messages', { queue: dlq(), kind: 'dlq', state: 'visible' })).toBe(1);

    // The peek of `npm run dlq` (a receive) turns the message in flight; the DLQ still holds it.
    const [letter] = await sampleDeadLetters(aws.sqs, profileQueue().deadLetterQueue.url, 5);
    expect(letter).toBeDefined();
    text = await scrape();
    expect(metricSum(text, 'sqs_queue_messages', { queue: dlq() })).toBe(1);
    expect(metricValue(text, 'sqs_queue_oldest_message_age_seconds', { queue: dlq(), kind: 'dlq' })).toBeGreaterThan(0);
  });

  it('main queue: visible and in-flight messages, and an oldest age that grows while no one consumes', async () => {
    const events = [makeEvent('user.created', randomUUID(), 1), makeEvent('user.created', randomUUID(), 1)];
    for (const event of events) await publish(event);
    let text = await scrape();
    expect(metricValue(text, 'sqs_queue_messages', { queue: main(), kind: 'main', state: 'visible' })).toBe(2);
    await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: profileQueue().url, MaxNumberOfMessages: 1, VisibilityTimeout: 1 }),
    );
    text = await scrape();
    expect(metricSum(text, 'sqs_queue_messages', { queue: main() })).toBe(2);
    expect(metricValue(text, 'sqs_queue_oldest_message_age_seconds', { queue: main() })).toBeGreaterThan(0);

    // A worker drains it: event lag and outcomes are counted, the queue is empty and its age 0.
    const spy = createObserverSpy(t.app.context.observe);
    const handled = events.map((event) => spy.handled(event.id));
    const stop = await startQueueWorkers({
      aws: t.app.context.aws,
      prefix: provisioned.prefix,
      handlers: t.app.context.queueHandlers,
      observe: spy.observe,
      logger: t.app.log as Logger,
      tuning: { waitTimeSeconds: 1, retryBackoff: { baseSeconds: 0, maxSeconds: 0 } },
    });
    try {
      for (const result of await Promise.all(handled)) expect(result).toMatchObject({ outcome: 'applied' });
    } finally {
      await stop();
    }
    text = await scrape();
    const lag = { queue: main(), type: 'user.created' };
    expect(metricValue(text, 'event_lag_seconds_count', lag)).toBe(2);
    expect(metricValue(text, 'event_lag_seconds_sum', lag)).toBeGreaterThan(0);
    expect(metricValue(text, 'queue_messages_processed_total', { queue: main(), outcome: 'applied' })).toBe(2);
    expect(metricSum(text, 'sqs_queue_messages', { queue: main() })).toBe(0);
    expect(metricValue(text, 'sqs_queue_oldest_message_age_seconds', { queue: main() })).toBe(0);
  }, 30_000);

  it('reports the database pool, Redis and readiness', async () => {
    const text = await scrape();
    expect(metricValue(text, 'db_pool_max_connections', { pool: 'user_db' })).toBeGreaterThan(0);
    expect(metricSum(text, 'db_pool_connections', { pool: 'user_db' })).toBeGreaterThan(0);
    expect(metricValue(text, 'db_pool_waiting_requests', { pool: 'user_db' })).toBe(0);
    expect(metricValue(text, 'redis_connected')).toBe(1);
    expect(metricValue(text, 'redis_errors_total')).toBe(0);
    expect(metricValue(text, 'health_check_up', { check: 'postgres', critical: 'true' })).toBe(1);
    expect(metricValue(text, 'health_ready')).toBe(1);
  });
});
