import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import pino from 'pino';
import { acknowledge, perMessage, retryLater, startQueueWorker } from '../src/messaging';
import { createAwsClients } from '../src/aws';
import { createUserEvent, toSnsPublishInput, type UserEventType } from '../src/events';
import { topology } from '../src/topology';
import { awaitMessage, provisionIsolatedTopology } from '../src/testing';

const clients = createAwsClients();
let provisioned: Awaited<ReturnType<typeof provisionIsolatedTopology>>;

beforeAll(async () => {
  provisioned = await provisionIsolatedTopology(clients);
});
afterAll(async () => {
  await provisioned?.destroy();
  clients.destroy();
});

/** A queue worker on one of the isolated topology's queues, polling briefly, logging nothing. */
function workerOn(
  queue: NonNullable<(typeof provisioned.queues)[string]>,
  options: Pick<Parameters<typeof startQueueWorker>[0], 'handler' | 'pollers' | 'idlePollers' | 'retryBackoff'>,
) {
  return startQueueWorker({
    sqs: clients.sqs,
    queueName: queue.name,
    queueUrl: queue.url,
    deadLetterQueueUrl: queue.deadLetterQueue.url,
    logger: pino({ level: 'silent' }),
    waitTimeSeconds: 1,
    ...options,
  });
}

function makeEvent(type: UserEventType) {
  const userId = crypto.randomUUID();
  const base = { userId, userVersion: 1, correlationId: `test-${userId}`, producer: 'test' };
  if (type === 'user.created') {
    return createUserEvent({
      ...base,
      type,
      payload: { email: 'a@example.com', displayName: null, roles: ['user'], emailVerified: false },
    });
  }
  if (type === 'user.email.verification.requested') {
    return createUserEvent({
      ...base,
      type,
      payload: {
        email: 'a@example.com',
        displayName: null,
        token: 'x'.repeat(43),
        expiresAt: new Date().toISOString(),
      },
    });
  }
  throw new Error(`no factory for ${type}`);
}

async function publish(event: ReturnType<typeof makeEvent>) {
  await clients.sns.send(new PublishCommand(toSnsPublishInput(provisioned.topicArn, event)));
}

describe('the topology on a real SNS/SQS endpoint', () => {
  it('routes user.created to user-profile-events only, as a raw message with its type attribute', async () => {
    const created = makeEvent('user.created');
    await publish(created);
    // A marker that must reach user-notifications: once it is there, so is anything published before it.
    const marker = makeEvent('user.email.verification.requested');
    await publish(marker);

    const profileQueue = provisioned.queues['user-profile-events']!;
    const received = await awaitMessage({
      sqs: clients.sqs,
      queueUrl: profileQueue.url,
      matches: (m) => m.Body?.includes(created.id) ?? false,
    });
    expect(JSON.parse(received.Body!)).toEqual(created);
    expect(received.MessageAttributes?.type?.StringValue).toBe('user.created');

    const notifications = provisioned.queues['user-notifications']!;
    await awaitMessage({
      sqs: clients.sqs,
      queueUrl: notifications.url,
      matches: (m) => m.Body?.includes(marker.id) ?? false,
    });
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: notifications.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(Messages.map((message) => JSON.parse(message.Body!).type)).not.toContain('user.created');
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: notifications.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it('moves a message whose handler keeps failing to the DLQ after maxReceiveCount', async () => {
    const queue = provisioned.queues['user-profile-events']!;
    const { maxReceiveCount } = topology.queues[0].deadLetterQueue;
    const event = makeEvent('user.created');
    const attempts: number[] = [];
    const worker = workerOn(queue, {
      retryBackoff: { baseSeconds: 0, maxSeconds: 0 },
      handler: perMessage(async (message) => {
        if (message.body.includes(event.id)) attempts.push(message.receiveCount);
        return message.body.includes(event.id) ? retryLater('always failing') : acknowledge('other');
      }),
    });
    try {
      await publish(event);
      const dead = await awaitMessage({
        sqs: clients.sqs,
        queueUrl: queue.deadLetterQueue.url,
        matches: (m) => m.Body?.includes(event.id) ?? false,
        timeoutMs: 20_000,
      });
      expect(JSON.parse(dead.Body!).id).toBe(event.id);
      expect(attempts).toEqual(Array.from({ length: maxReceiveCount }, (_, index) => index + 1));
    } finally {
      await worker.stop();
    }
  }, 30_000);

  it('adds receive loops while receives come back full and retires them once the queue is empty', async () => {
    const queue = provisioned.queues['user-notifications']!;
    const bodies = Array.from({ length: 120 }, (_, index) => `backlog-${index}-${crypto.randomUUID()}`);
    for (let start = 0; start < bodies.length; start += 10) {
      await clients.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.slice(start, start + 10).map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
    const handled = new Set<string>();
    const loopsSeen: number[] = [];
    let allHandled!: () => void;
    const drained = new Promise<void>((resolve) => (allHandled = resolve));
    const worker = workerOn(queue, {
      pollers: 4,
      idlePollers: 1,
      handler: async (messages) => {
        loopsSeen.push(worker.pollers());
        for (const message of messages) handled.add(message.body);
        if (bodies.every((body) => handled.has(body))) allHandled();
        return messages.map(() => acknowledge('handled'));
      },
    });
    try {
      await drained;
      expect(Math.max(...loopsSeen)).toBeGreaterThan(1);
      expect(Math.max(...loopsSeen)).toBeLessThanOrEqual(4);
      // Each empty long poll (1 s) retires a spare loop, down to the one kept while idle.
      const deadline = Date.now() + 15_000;
      while (worker.pollers() > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(worker.pollers()).toBe(1);
    } finally {
      await worker.stop();
    }
    expect(worker.pollers()).toBe(0);
  }, 30_000);

  it('deletes a message only once its handler acknowledged it', async () => {
    const queue = provisioned.queues['user-profile-events']!;
    const event = makeEvent('user.created');
    let resolveHandled!: () => void;
    const handled = new Promise<void>((resolve) => (resolveHandled = resolve));
    const worker = workerOn(queue, {
      handler: perMessage(async (message) => {
        if (message.body.includes(event.id)) resolveHandled();
        return acknowledge('applied');
      }),
    });
    await publish(event);
    await handled;
    await worker.stop();
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  }, 20_000);
});
