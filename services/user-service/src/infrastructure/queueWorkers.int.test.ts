import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '@platform/shared/aws';
import { topology } from '@platform/shared/topology';
import { toSnsPublishInput, type UserEvent } from '@platform/shared/events';
import { type Logger } from '@platform/shared/logging';
import { REJECT_REASON_ATTRIBUTE, type QueueBatchHandler } from '@platform/shared/messaging';
import { awaitMessage, isolatedPrefix, provisionIsolatedTopology } from '@platform/shared/testing';
import { randomUUID } from 'node:crypto';
import { queueDepth, redriveDeadLetters } from '../../../../scripts/dlq/deadLetters';
import { buildTestApp, createObserverSpy, makeEvent } from '../../test/testApp';
import { startQueueWorkers } from './queueWorkers';

let t: Awaited<ReturnType<typeof buildTestApp>>;
let provisioned: Awaited<ReturnType<typeof provisionIsolatedTopology>>;

// The app has only an SQS client; provisioning and publishing need SNS too.
const aws = createAwsClients();

beforeAll(async () => {
  t = await buildTestApp({ env: {} });
  provisioned = await provisionIsolatedTopology(aws);
});
afterAll(async () => {
  await provisioned?.destroy();
  await t?.app.close();
  aws.destroy();
});

const profileQueue = () => provisioned.queues['user-profile-events']!;
const publish = (event: UserEvent) => aws.sns.send(new PublishCommand(toSnsPublishInput(provisioned.topicArn, event)));
const profileOf = (id: string) => t.app.context.prisma.userProfile.findUnique({ where: { id } });

function startWorkers(spy: ReturnType<typeof createObserverSpy>, handlers = t.app.context.queueHandlers) {
  return startQueueWorkers({
    aws: t.app.context.aws,
    prefix: provisioned.prefix,
    handlers,
    observe: spy.observe,
    logger: t.app.log as Logger,
    tuning: { waitTimeSeconds: 1, retryBackoff: { baseSeconds: 0, maxSeconds: 0 } },
  });
}

describe('queue workers on a real SNS/SQS endpoint', () => {
  it('a user.created published on the topic becomes a profile, and the message is deleted', async () => {
    const spy = createObserverSpy();
    const stop = await startWorkers(spy);
    try {
      const event = makeEvent('user.created', randomUUID(), 1);
      const handled = spy.handled(event.id);
      await publish(event);
      expect(await handled).toEqual({ action: 'acknowledge', outcome: 'applied' });
      expect(await profileOf(event.userId)).toMatchObject({ status: 'active' });
    } finally {
      await stop();
    }
    expect(await queueDepth(t.app.context.aws.sqs, profileQueue().url)).toBe(0);
  }, 30_000);

  it('a message that keeps failing ends in the DLQ, and redrive brings it back to be applied', async () => {
    const spy = createObserverSpy();
    const stop = await startWorkers(spy);
    const { sqs } = t.app.context.aws;
    const userId = randomUUID();
    try {
      // Its profile does not exist (user.created is "lost" for now): every delivery asks for a retry.
      const verified = makeEvent('user.email.verified', userId, 2);
      const attempts = Array.from({ length: topology.queues[0].deadLetterQueue.maxReceiveCount }, () =>
        spy.handled(verified.id),
      );
      await publish(verified);
      for (const attempt of attempts) expect(await attempt).toMatchObject({ action: 'retry' });
      await awaitMessage({
        sqs,
        queueUrl: profileQueue().deadLetterQueue.url,
        matches: (m) => m.Body?.includes(verified.id) ?? false,
        consume: false,
        timeoutMs: 15_000,
      });

      const created = makeEvent('user.created', userId, 1);
      const createdHandled = spy.handled(created.id);
      await publish(created);
      await createdHandled;

      const redelivered = spy.handled(verified.id);
      expect(
        await redriveDeadLetters({ sqs, dlqUrl: profileQueue().deadLetterQueue.url, sourceUrl: profileQueue().url }),
      ).toEqual({ moved: 1 });
      expect(await redelivered).toEqual({ action: 'acknowledge', outcome: 'applied' });
      expect(await profileOf(userId)).toMatchObject({ emailVerified: true });
      expect(await queueDepth(sqs, profileQueue().deadLetterQueue.url)).toBe(0);
    } finally {
      await stop();
    }
  }, 60_000);

  it('a message that can never succeed is not dropped or retried: it reaches the DLQ at once, intact, with the reason', async () => {
    const spy = createObserverSpy();
    const stop = await startWorkers(spy);
    const { sqs } = t.app.context.aws;
    const body = `not-json-${randomUUID()}`;
    try {
      const handled = spy.handled(body);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: profileQueue().url,
          MessageBody: body,
          MessageAttributes: { type: { DataType: 'String', StringValue: 'user.created' } },
        }),
      );
      expect(await handled).toEqual({ action: 'reject', reason: 'invalid event: message body is not JSON' });
      const dead = await awaitMessage({
        sqs,
        queueUrl: profileQueue().deadLetterQueue.url,
        matches: (m) => m.Body === body,
        timeoutMs: 15_000,
      });
      expect(dead.Body).toBe(body);
      expect(dead.MessageAttributes?.[REJECT_REASON_ATTRIBUTE]?.StringValue).toBe(
        'invalid event: message body is not JSON',
      );
      expect(dead.MessageAttributes?.type?.StringValue).toBe('user.created');
      // Handled once: moved on its first receive, not after maxReceiveCount retries.
      expect(spy.results(body)).toHaveLength(1);
    } finally {
      await stop();
    }
    expect(await queueDepth(sqs, profileQueue().url)).toBe(0);
  }, 30_000);

  it('stop() (SIGTERM) lets the in-flight message commit and be deleted; nothing is lost', async () => {
    const spy = createObserverSpy();
    const event = makeEvent('user.created', randomUUID(), 1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    const real = t.app.context.queueHandlers['user-profile-events'];
    const slow: QueueBatchHandler = async (messages) => {
      if (messages.some((message) => message.body.includes(event.id))) {
        started();
        await gate; // the handler is mid-work when the signal arrives
      }
      return real(messages);
    };
    const stop = await startWorkers(spy, { ...t.app.context.queueHandlers, 'user-profile-events': slow });
    const handled = spy.handled(event.id);
    await publish(event);
    await inFlight;
    const stopped = stop();
    release();
    await stopped;
    expect(await handled).toEqual({ action: 'acknowledge', outcome: 'applied' });
    expect(await profileOf(event.userId)).toMatchObject({ status: 'active' });
    expect(await queueDepth(t.app.context.aws.sqs, profileQueue().url)).toBe(0);

    // After stop, new messages wait in the queue for the next worker instead of being taken.
    const later = makeEvent('user.created', randomUUID(), 1);
    await publish(later);
    await awaitMessage({
      sqs: t.app.context.aws.sqs,
      queueUrl: profileQueue().url,
      matches: (m) => m.Body?.includes(later.id) ?? false,
      consume: false,
    });
  }, 30_000);

  it('starts while its queues cannot be reached, and begins consuming once they answer', async () => {
    const prefix = isolatedPrefix();
    const spy = createObserverSpy();
    // Nothing exists under this prefix yet: the start must not fail.
    const stop = await startQueueWorkers({
      aws: t.app.context.aws,
      prefix,
      handlers: t.app.context.queueHandlers,
      observe: spy.observe,
      logger: t.app.log as Logger,
      tuning: { waitTimeSeconds: 1, retryBackoff: { baseSeconds: 0, maxSeconds: 0 } },
    });
    const late = await provisionIsolatedTopology(aws, prefix);
    try {
      const event = makeEvent('user.created', randomUUID(), 1);
      const handled = spy.handled(event.id, 20_000);
      await aws.sns.send(new PublishCommand(toSnsPublishInput(late.topicArn, event)));
      expect(await handled).toEqual({ action: 'acknowledge', outcome: 'applied' });
      expect(await profileOf(event.userId)).toMatchObject({ status: 'active' });
    } finally {
      await stop();
      await late.destroy();
    }
  }, 30_000);
});
