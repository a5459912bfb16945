import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createAwsClients } from '@platform/shared/aws';
import { provisionIsolatedTopology } from '@platform/shared/testing';
import { freePort, startFauxqsProcess } from '../../services/auth-service/test/fauxqsProcess';
import { freshAuthDatabase } from '../../services/auth-service/test/freshDatabase';
import { call, makeUser, startTestApp, type TestApp } from '../../services/auth-service/test/testApp';
import { buildTestApp, createMailbox } from '../../services/user-service/test/testApp';

/**
 * The whole flow through an SNS/SQS outage longer than the consumer's retry window: both services,
 * the real relay and queue workers, an emulator process that is killed and started again. An
 * account registered and then deleted during the outage must end as a tombstone in the user-service,
 * with nothing left in any DLQ. (Before the relay kept per-user order, `user.deleted` could overtake
 * `user.created`, ran out of retries on an unknown profile and sat in the DLQ while the profile of the
 * deleted account stayed active.)
 */
jest.setTimeout(90_000);

let emulator: Awaited<ReturnType<typeof startFauxqsProcess>>;
let database: Awaited<ReturnType<typeof freshAuthDatabase>>;
let auth: TestApp;
let users: Awaited<ReturnType<typeof buildTestApp>>;
const aws = () => createAwsClients({ endpoint: emulator.endpoint, maxAttempts: 1 });

beforeAll(async () => {
  emulator = await startFauxqsProcess(await freePort());
  database = await freshAuthDatabase('auth_outage_test');
  auth = await startTestApp({
    awsEndpoint: emulator.endpoint,
    runOutboxRelay: true,
    env: { AUTH_DATABASE_URL: database.url, OUTBOX_RELAY_INTERVAL_MS: '200' },
  });
  users = await buildTestApp({
    aws: aws(),
    mailTransport: createMailbox(),
    workers: true,
    env: {
      TOPOLOGY_PREFIX: auth.topology.prefix,
      // No wait between retries: the consumer's whole retry window (5 receives) passes at once.
      USER_QUEUE_RETRY_BASE_SECONDS: '0',
      USER_QUEUE_RETRY_MAX_SECONDS: '0',
    },
  });
  await users.app.ready();
});
afterAll(async () => {
  // Each step on its own: one that fails (or an app whose start failed) must not leave the others running.
  await emulator?.stop().catch(() => undefined);
  await users?.app.close().catch(() => undefined);
  await auth?.close().catch(() => undefined);
  await database?.drop().catch(() => undefined);
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('an account created and deleted while SNS/SQS is down ends deleted, in order, with no dead letters', async () => {
  // Before: the flow works.
  const before = await makeUser(auth);
  await eventually(
    'the first profile',
    async () =>
      (await users.app.context.prisma.userProfile.findUnique({ where: { id: before.session.user.id } })) ?? undefined,
  );

  // The outage: the emulator dies (and with it every queue and message it held).
  const port = Number(new URL(emulator.endpoint).port);
  await emulator.stop();
  // Readiness names the dependency that is down, with Retry-After; registering still works (the outbox).
  const authReady = await call(auth, 'GET', '/health/ready');
  expect([authReady.statusCode, authReady.json().checks.sns.status, authReady.headers['retry-after']]).toEqual([
    503,
    'failed',
    '5',
  ]);
  const usersReady = await users.inject({ method: 'GET', url: '/health/ready' });
  expect([usersReady.statusCode, usersReady.json().checks.sqs.status]).toEqual([503, 'failed']);
  const account = await makeUser(auth);
  const userId = account.session.user.id;
  const deleted = await call(auth, 'DELETE', '/auth/me', {
    token: account.session.accessToken,
    body: { password: account.password },
  });
  expect(deleted.statusCode).toBe(204);
  // The relay keeps failing and backing off; the events wait in the outbox, in order.
  await eventually('failed publish attempts', async () => {
    const failing = await auth.app.context.prisma.outboxEvent.count({
      where: { publishedAt: null, attempts: { gte: 2 } },
    });
    return failing > 0 ? failing : undefined;
  });
  expect(await auth.app.context.prisma.outboxEvent.count({ where: { publishedAt: null, type: 'user.deleted' } })).toBe(
    1,
  );

  // SNS/SQS is back (empty, as a new LocalStack would be); the topology is provisioned again.
  emulator = await startFauxqsProcess(port);
  const clients = aws();
  const topology = await provisionIsolatedTopology(clients, auth.topology.prefix);

  // Everything is published, in order per user, and the deletion wins.
  await eventually('the outbox drained', async () =>
    (await auth.app.context.prisma.outboxEvent.count({ where: { publishedAt: null } })) === 0 ? true : undefined,
  );
  const profile = await eventually('the deleted profile', async () => {
    const row = await users.app.context.prisma.userProfile.findUnique({ where: { id: userId } });
    return row?.status === 'deleted' ? row : undefined;
  });
  expect(profile).toMatchObject({ email: null, displayName: null });
  const inbox = await users.app.context.prisma.eventLog.findMany({ where: { userId } });
  expect(inbox.map((row) => [row.type, row.status])).toEqual(
    expect.arrayContaining([
      ['user.created', 'processed'],
      ['user.deleted', 'processed'],
    ]),
  );
  expect(inbox.filter((row) => row.status !== 'processed')).toEqual([]);
  try {
    for (const queue of Object.values(topology.queues)) {
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.deadLetterQueue.url,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      expect({ queue: queue.name, dead: Attributes?.ApproximateNumberOfMessages }).toEqual({
        queue: queue.name,
        dead: '0',
      });
    }
  } finally {
    clients.destroy();
  }
});
