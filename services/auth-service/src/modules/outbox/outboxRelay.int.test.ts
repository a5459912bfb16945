import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import {
  SNSClient,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@platform/shared/aws';
import { parseUserEvent } from '@platform/shared/events';
import { provisionTopology } from '@platform/shared/topology/render';
import { awaitMessage, metricSum, metricValue } from '@platform/shared/testing';
import { freePort, startFauxqsProcess } from '../../../test/fauxqsProcess';
import { freshAuthDatabase } from '../../../test/freshDatabase';
import { call, makeUser, startTestApp, type TestApp } from '../../../test/testApp';
import { createOutboxRelay, type OutboxRelayDeps, type RelayRunResult } from './outboxRelay';
import { enqueueUserEvent } from './outboxWriter';

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

/**
 * Runs the relay until a run publishes nothing, as the loop and the scheduled Lambda do: a user's
 * next event can go only once the previous one has been published.
 */
async function drain(publish: () => Promise<RelayRunResult>): Promise<RelayRunResult> {
  const total = { published: 0, failed: 0 };
  for (;;) {
    const run = await publish();
    total.published += run.published;
    total.failed += run.failed;
    if (run.published === 0) return total;
  }
}

/** What a relay's SNS client sent: the entries of each PublishBatch call, and the ids SNS accepted. */
interface ObservedSns {
  sns: SNSClient;
  calls: PublishBatchRequestEntry[][];
  accepted: string[];
}

/**
 * An SNS client to the test endpoint that lets a test see each PublishBatch, and change or hold it
 * (`before` runs on its entries before the request is sent).
 */
function observedSns(before?: (entries: PublishBatchRequestEntry[]) => void | Promise<void>): ObservedSns {
  const sns = new SNSClient(awsClientConfig().clientConfig);
  const observed: ObservedSns = { sns, calls: [], accepted: [] };
  sns.middlewareStack.add(
    (next) => async (args) => {
      const entries = (args.input as PublishBatchCommandInput).PublishBatchRequestEntries ?? [];
      await before?.(entries);
      observed.calls.push(entries);
      const result = await next(args);
      const output = result.output as PublishBatchCommandOutput;
      observed.accepted.push(...(output.Successful ?? []).map((entry) => entry.Id!));
      return result;
    },
    { step: 'initialize', name: 'observePublishBatch' },
  );
  return observed;
}

/** Makes SNS reject an entry (fauxqs and SNS refuse a message over 256 KiB, entry by entry). */
const tooLarge = (entry: PublishBatchRequestEntry) => (entry.Message += ' '.repeat(300 * 1024));

/** A relay of the test app's database and topic, over its own SNS client. */
function relayOf(t: TestApp, sns: SNSClient, overrides: Partial<OutboxRelayDeps> = {}) {
  return createOutboxRelay({
    prisma: t.app.context.prisma,
    sns,
    topicArn: t.app.context.userEventsTopicArn,
    logger: t.app.log,
    batchSize: 100,
    publishConcurrency: 4,
    publishTimeoutMs: 10_000,
    leaseSeconds: 60,
    ...overrides,
  });
}

/** Writes an event of a user the way the routes do (the outbox writer, in a transaction). */
function enqueue(t: TestApp, userId: string, userVersion: number) {
  return t.app.context.prisma.$transaction((tx) =>
    enqueueUserEvent(tx, {
      type: 'user.reactivated',
      user: { id: userId, version: userVersion },
      correlationId: `relay-test-${userVersion}`,
      payload: { reactivatedAt: new Date().toISOString() },
    }),
  );
}

async function rowsById(t: TestApp, ids: string[]) {
  const rows = await t.app.context.prisma.outboxEvent.findMany({ where: { id: { in: ids } } });
  return new Map(rows.map((row) => [row.id, row]));
}

const count = (ids: string[], id: string) => ids.filter((candidate) => candidate === id).length;

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

    // Two relays at once: claims (SKIP LOCKED, leases) let each row go out once; the user's second
    // event goes once the first has.
    const results = await Promise.all([
      drain(t.app.context.publishPendingOutboxEvents),
      drain(t.app.context.publishPendingOutboxEvents),
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

  it('reports the backlog, the age of its oldest row, publishes and failures on /metrics', async () => {
    const scrape = async () => (await call(t, 'GET', '/metrics')).body;
    const before = await scrape();
    expect(metricValue(before, 'outbox_unpublished_events')).toBe(0);
    expect(metricValue(before, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
    await makeUser(t);
    const pending = await scrape();
    expect(metricValue(pending, 'outbox_unpublished_events')).toBe(2);
    expect(metricValue(pending, 'outbox_oldest_unpublished_age_seconds')).toBeGreaterThan(0);

    const publishedBefore = metricValue(before, 'outbox_events_published_total')!;
    await drain(t.app.context.publishPendingOutboxEvents);
    const published = await scrape();
    expect(metricValue(published, 'outbox_unpublished_events')).toBe(0);
    expect(metricValue(published, 'outbox_oldest_unpublished_age_seconds')).toBe(0);
    expect(metricValue(published, 'outbox_events_published_total')).toBe(publishedBefore + 2);

    // An entry SNS refuses counts as a publish failure; its row waits (backlog 1).
    const failuresBefore = metricValue(published, 'outbox_publish_failures_total')!;
    const event = await enqueue(t, randomUUID(), 2);
    const { sns } = t.app.context.aws;
    sns.middlewareStack.add(
      (next) => async (args) => {
        for (const entry of (args.input as PublishBatchCommandInput).PublishBatchRequestEntries ?? []) tooLarge(entry);
        return next(args);
      },
      { step: 'initialize', name: 'refuseEveryEntry' },
    );
    try {
      expect(await t.app.context.publishPendingOutboxEvents()).toEqual({ published: 0, failed: 1 });
    } finally {
      sns.middlewareStack.remove('refuseEveryEntry');
    }
    const failed = await scrape();
    expect(metricValue(failed, 'outbox_publish_failures_total')).toBe(failuresBefore + 1);
    expect(metricValue(failed, 'outbox_unpublished_events')).toBe(1);
    await t.app.context.prisma.outboxEvent.update({ where: { id: event.id }, data: { nextAttemptAt: new Date() } });
    await drain(t.app.context.publishPendingOutboxEvents);
  });

  it('reports the database pool, Redis and readiness on /metrics', async () => {
    const text = (await call(t, 'GET', '/metrics')).body;
    expect(metricValue(text, 'db_pool_max_connections', { pool: 'auth_db' })).toBe(10);
    expect(metricSum(text, 'db_pool_connections', { pool: 'auth_db' })).toBeGreaterThan(0);
    expect(metricValue(text, 'db_pool_waiting_requests', { pool: 'auth_db' })).toBe(0);
    expect(metricValue(text, 'redis_connected')).toBe(1);
    expect(metricValue(text, 'health_ready')).toBe(1);
    expect(metricValue(text, 'health_check_up', { check: 'sns', critical: 'true' })).toBe(1);
  });

  it("publishes a user's events in order: one that fails holds back that user's later events, never other users'", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const a1 = await enqueue(t, alice, 2);
    const a2 = await enqueue(t, alice, 3);
    const b1 = await enqueue(t, bob, 2);
    let rejectA1 = true;
    const observed = observedSns((entries) => {
      for (const entry of entries) if (rejectA1 && entry.Id === a1.id) tooLarge(entry);
    });
    const relay = relayOf(t, observed.sns);

    await drain(relay);
    expect(observed.accepted).toContain(b1.id);
    expect(observed.accepted).not.toContain(a1.id);
    expect(observed.accepted).not.toContain(a2.id);
    let rows = await rowsById(t, [a1.id, a2.id, b1.id]);
    expect(rows.get(a1.id)).toMatchObject({ publishedAt: null, attempts: 1, claimedUntil: null });
    expect(rows.get(a2.id)).toMatchObject({ publishedAt: null, attempts: 0 }); // never even claimed
    expect(rows.get(b1.id)!.publishedAt).not.toBeNull();

    // SNS takes it again; a1's backoff elapses (set, not waited for): a1 goes out, then a2.
    rejectA1 = false;
    await t.app.context.prisma.outboxEvent.update({ where: { id: a1.id }, data: { nextAttemptAt: new Date() } });
    await drain(relay);
    expect(observed.accepted.filter((id) => id === a1.id || id === a2.id)).toEqual([a1.id, a2.id]);
    rows = await rowsById(t, [a1.id, a2.id]);
    expect(rows.get(a1.id)).toMatchObject({ attempts: 2, lastError: null });
    expect(rows.get(a2.id)!.publishedAt).not.toBeNull();
  });

  it('reads PublishBatch entry by entry: a rejected entry backs off, the others of the same call are published', async () => {
    const events = [];
    for (let index = 0; index < 5; index++) events.push(await enqueue(t, randomUUID(), 2));
    const rejected = events[2]!;
    const observed = observedSns((entries) => {
      for (const entry of entries) if (entry.Id === rejected.id) tooLarge(entry);
    });

    const before = Date.now();
    expect(await relayOf(t, observed.sns)()).toEqual({ published: 4, failed: 1 });
    const call = observed.calls.find((entries) => entries.some((entry) => entry.Id === rejected.id))!;
    expect(call.map((entry) => entry.Id).sort()).toEqual(events.map((event) => event.id).sort()); // one call
    const rows = await rowsById(
      t,
      events.map((event) => event.id),
    );
    for (const event of events.filter((candidate) => candidate !== rejected)) {
      expect(rows.get(event.id)).toMatchObject({ attempts: 1, lastError: null, claimedUntil: null });
      expect(rows.get(event.id)!.publishedAt).not.toBeNull();
    }
    const failed = rows.get(rejected.id)!;
    expect(failed).toMatchObject({ publishedAt: null, attempts: 1, claimedUntil: null });
    expect(failed.lastError).toMatch(/InvalidParameter/);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(before); // backs off

    // Each published entry carries the attributes the subscriptions filter on, and the event id.
    const delivered = await awaitEvent(t, 'user-profile-events', events[0]!.id);
    expect(delivered.MessageAttributes?.type?.StringValue).toBe('user.reactivated');
    expect(delivered.MessageAttributes?.correlationId?.StringValue).toBe('relay-test-2');
    expect(parseUserEvent(delivered.Body!).id).toBe(events[0]!.id);

    await t.app.context.prisma.outboxEvent.update({ where: { id: rejected.id }, data: { nextAttemptAt: new Date() } });
    expect(await drain(relayOf(t, observedSns().sns))).toEqual({ published: 1, failed: 0 });
  });

  it("passes a row's stored trace context on as the traceparent attribute, even where the relay itself does not trace", async () => {
    const event = await enqueue(t, randomUUID(), 2);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await t.app.context.prisma.outboxEvent.update({ where: { id: event.id }, data: { traceContext: { traceparent } } });
    await drain(t.app.context.publishPendingOutboxEvents);
    const delivered = await awaitEvent(t, 'user-profile-events', event.id);
    expect(delivered.MessageAttributes?.traceparent?.StringValue).toBe(traceparent);
    expect(delivered.MessageAttributes?.type?.StringValue).toBe('user.reactivated');
  });

  it('two relays at once publish each row exactly once', async () => {
    const ids: string[] = [];
    for (let user = 0; user < 40; user++) {
      const userId = randomUUID();
      for (let version = 2; version <= 3; version++) ids.push((await enqueue(t, userId, version)).id);
    }
    const small = { batchSize: 7, publishConcurrency: 2 };
    const b = observedSns();
    const relayB = relayOf(t, b.sns, small);
    // A holds its first batch until B has had a run: B runs while A's rows are claimed, not published.
    let bWhileAPublishes: Promise<RelayRunResult> | undefined;
    const a = observedSns(async () => {
      await (bWhileAPublishes ??= relayB());
    });
    const relayA = relayOf(t, a.sns, small);
    const c = observedSns();

    await Promise.all([drain(relayA), drain(relayB), drain(relayOf(t, c.sns, small))]);

    const accepted = [...a.accepted, ...b.accepted, ...c.accepted];
    expect(ids.filter((id) => count(accepted, id) !== 1)).toEqual([]);
    expect((await bWhileAPublishes)!.published).toBeGreaterThan(0);
    const rows = await rowsById(t, ids);
    expect([...rows.values()].filter((row) => row.publishedAt === null || row.attempts !== 1)).toEqual([]);
  });

  it('gives up on a publish that never answers after the publish timeout; its rows back off, unclaimed', async () => {
    // An endpoint that accepts connections and never answers.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const sns = new SNSClient(
      awsClientConfig({ endpoint: `http://127.0.0.1:${(silent.address() as { port: number }).port}`, maxAttempts: 1 })
        .clientConfig,
    );
    try {
      const event = await enqueue(t, randomUUID(), 2);
      const before = Date.now();
      expect(await relayOf(t, sns, { publishTimeoutMs: 300 })()).toEqual({ published: 0, failed: 1 });
      const row = (await rowsById(t, [event.id])).get(event.id)!;
      expect(row).toMatchObject({ publishedAt: null, attempts: 1, claimedUntil: null });
      expect(row.lastError).toMatch(/abort/i);
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(before);

      await t.app.context.prisma.outboxEvent.update({ where: { id: event.id }, data: { nextAttemptAt: new Date() } });
      expect(await drain(t.app.context.publishPendingOutboxEvents)).toEqual({ published: 1, failed: 0 });
    } finally {
      sns.destroy();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("takes over a crashed relay's rows once its lease has run out, not before", async () => {
    const event = await enqueue(t, randomUUID(), 2);
    // Relay A claims the row and stops before publishing it (crashed, or stuck) until the test lets go.
    let claimed!: () => void;
    const claimedByA = new Promise<void>((resolve) => (claimed = resolve));
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const a = observedSns(async (entries) => {
      if (!entries.some((entry) => entry.Id === event.id)) return;
      claimed();
      await held;
    });
    const runOfA = relayOf(t, a.sns)();
    try {
      await claimedByA;

      const b = observedSns();
      const relayB = relayOf(t, b.sns);
      await drain(relayB);
      expect(b.accepted).not.toContain(event.id); // A's lease holds

      // A's lease runs out (moved into the past rather than waited for).
      await t.app.context.prisma.outboxEvent.update({
        where: { id: event.id },
        data: { claimedUntil: new Date(Date.now() - 1000) },
      });
      await drain(relayB);
      expect(b.accepted).toContain(event.id);
      const taken = (await rowsById(t, [event.id])).get(event.id)!;
      expect(taken).toMatchObject({ attempts: 1, claimedUntil: null });
      expect(taken.publishedAt).not.toBeNull();

      // A comes back and publishes too (at-least-once); its mark leaves B's alone.
      letGo();
      await runOfA;
      expect((await rowsById(t, [event.id])).get(event.id)).toMatchObject({
        attempts: 1,
        publishedAt: taken.publishedAt,
      });
    } finally {
      letGo();
      await runOfA.catch(() => undefined);
    }
  });
});

describe('with the SNS endpoint down', () => {
  it('keeps accepting registrations; their events wait and go out once it is back, none lost', async () => {
    const port = await freePort();
    let sns = await startFauxqsProcess(port);
    const t = await startTestApp({ awsEndpoint: sns.endpoint, env: { AUTH_DATABASE_URL: databaseUrl } });
    try {
      await drain(t.app.context.publishPendingOutboxEvents); // anything earlier tests left; caches the topic
      await sns.stop();

      const users = await Promise.all([makeUser(t), makeUser(t), makeUser(t)]);
      // Each user's first event is tried (and backs off); their second waits behind it.
      expect(await t.app.context.publishPendingOutboxEvents()).toEqual({ published: 0, failed: 3 });
      const pending = await t.app.context.prisma.outboxEvent.findMany({ where: { publishedAt: null } });
      expect(pending).toHaveLength(6);
      expect(
        pending.filter((row) => row.attempts === 1 && row.lastError && row.nextAttemptAt > new Date()),
      ).toHaveLength(3);
      expect(pending.filter((row) => row.claimedUntil !== null)).toHaveLength(0);
      const ready = await call(t, 'GET', '/health/ready');
      expect(ready.statusCode).toBe(503);

      sns = await startFauxqsProcess(port);
      await provisionTopology({ sns: t.aws.sns, sqs: t.aws.sqs, prefix: t.topology.prefix });
      // Let the backoff of the failed row elapse instead of waiting for it.
      await t.app.context.prisma.outboxEvent.updateMany({
        where: { publishedAt: null },
        data: { nextAttemptAt: new Date() },
      });
      expect(await drain(t.app.context.publishPendingOutboxEvents)).toEqual({ published: 6, failed: 0 });

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
