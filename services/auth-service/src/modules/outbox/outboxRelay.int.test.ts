import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { parseUserEvent } from '@platform/shared/events';
import { provisionTopology } from '@platform/shared/topology/render';
import { awaitMessage } from '@platform/shared/testing';
import { freePort, startFauxqsProcess } from '../../../test/fauxqsProcess';
import { freshAuthDatabase } from '../../../test/freshDatabase';
import { call, makeUser, startTestApp, type TestApp } from '../../../test/testApp';

/** The relay publishes every pending row of its database, so this file has a database of its own. */
let database: Awaited<ReturnType<typeof freshAuthDatabase>>;
let databaseUrl: string;
beforeAll(async () => {
  database = await freshAuthDatabase('auth_relay_test');
  databaseUrl = database.url;
});
afterAll(() => database?.drop());

async function queueDepth(t: TestApp, queueUrl: string) {
  const { Attributes } = await t.aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
}

const awaitEvent = (t: TestApp, queue: 'user-profile-events' | 'user-notifications', eventId: string) =>
  awaitMessage({
    sqs: t.aws.sqs,
    queueUrl: t.topology.queues[queue]!.url,
    matches: (m) => m.Body?.includes(eventId) ?? false,
  });

describe('outbox relay', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_DATABASE_URL: databaseUrl } });
  });
  afterAll(() => t?.close());

  it('publishes each state change exactly once, with its type attribute, and scrubs mail tokens', async () => {
    const { session } = await makeUser(t);
    const rows = await t.app.context.prisma.outboxEvent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(rows.map((row) => row.type)).toEqual(['user.created', 'user.email.verification.requested']);

    // Two relays at once: row locks (SKIP LOCKED) let each row go out once.
    const results = await Promise.all([
      t.app.context.publishPendingOutboxEvents(),
      t.app.context.publishPendingOutboxEvents(),
    ]);
    expect(results.reduce((sum, r) => sum + r.published, 0)).toBe(2);

    const created = await awaitEvent(t, 'user-profile-events', rows[0]!.id);
    expect(created.MessageAttributes?.type?.StringValue).toBe('user.created');
    expect(parseUserEvent(created.Body!)).toMatchObject({
      userId: session.user.id,
      userVersion: 1,
      type: 'user.created',
    });
    const mail = await awaitEvent(t, 'user-notifications', rows[1]!.id);
    expect(mail.MessageAttributes?.type?.StringValue).toBe('user.email.verification.requested');
    expect(JSON.parse(mail.Body!).payload.token).toHaveLength(43);

    expect(await t.app.context.publishPendingOutboxEvents()).toEqual({ published: 0, failed: 0 });
    expect(await queueDepth(t, t.topology.queues['user-profile-events']!.url)).toBe(0);
    expect(await queueDepth(t, t.topology.queues['user-notifications']!.url)).toBe(0);
    const after = await t.app.context.prisma.outboxEvent.findMany({
      where: { id: { in: rows.map((row) => row.id) } },
    });
    expect(after.every((row) => row.publishedAt !== null)).toBe(true);
    expect(JSON.stringify(after)).not.toContain(JSON.parse(mail.Body!).payload.token);
  });

  it('reports the backlog on /metrics', async () => {
    await makeUser(t);
    const metrics = (await call(t, 'GET', '/metrics')).body;
    expect(metrics).toMatch(/auth_outbox_backlog\{service="auth-service"\} 2/);
    expect(metrics).toMatch(/auth_login_attempts_total|http_requests_total/);
    await t.app.context.publishPendingOutboxEvents();
  });
});

describe('with the SNS endpoint down', () => {
  it('keeps accepting registrations; their events wait and go out once it is back, none lost', async () => {
    const port = await freePort();
    let sns = await startFauxqsProcess(port);
    const t = await startTestApp({ awsEndpoint: sns.endpoint, env: { AUTH_DATABASE_URL: databaseUrl } });
    try {
      await t.app.context.publishPendingOutboxEvents(); // drain anything earlier tests left, and cache the topic
      await sns.stop();

      const users = await Promise.all([makeUser(t), makeUser(t), makeUser(t)]);
      expect(await t.app.context.publishPendingOutboxEvents()).toEqual({ published: 0, failed: 1 });
      const pending = await t.app.context.prisma.outboxEvent.findMany({ where: { publishedAt: null } });
      expect(pending).toHaveLength(6);
      expect(
        pending.filter((row) => row.attempts === 1 && row.lastError && row.nextAttemptAt > new Date()),
      ).toHaveLength(1);
      const ready = await call(t, 'GET', '/health/ready');
      expect(ready.statusCode).toBe(503);

      sns = await startFauxqsProcess(port);
      await provisionTopology({ sns: t.aws.sns, sqs: t.aws.sqs, prefix: t.topology.prefix });
      // Let the backoff of the failed row elapse instead of waiting for it.
      await t.app.context.prisma.outboxEvent.updateMany({
        where: { publishedAt: null },
        data: { nextAttemptAt: new Date() },
      });
      expect(await t.app.context.publishPendingOutboxEvents()).toEqual({ published: 6, failed: 0 });

      const createdIds = pending.filter((row) => row.type === 'user.created').map((row) => row.id);
      for (const id of createdIds) await awaitEvent(t, 'user-profile-events', id);
      const received = createdIds.map((id) => pending.find((row) => row.id === id)!.payload as { userId: string });
      expect(received.map((event) => event.userId).sort()).toEqual(users.map((u) => u.session.user.id).sort());
      expect(await queueDepth(t, t.topology.queues['user-profile-events']!.url)).toBe(0);
    } finally {
      await t.close();
      await sns.stop();
    }
  }, 30_000);
});
