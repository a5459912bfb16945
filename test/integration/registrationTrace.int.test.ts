import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing, stopTracing } from '@platform/shared/tracing';
import { makeUser, startTestApp, type TestApp } from '../../services/auth-service/test/testApp';
import { buildTestApp, createMailbox } from '../../services/user-service/test/testApp';

/**
 * One registration is one trace: the HTTP request to the auth-service, the outbox row it wrote
 * (its trace context stored with the row), the relay's SNS publish (the context in the message's
 * `traceparent` attribute), the user-service's SQS consumer and its database work, until the
 * profile exists; and the mail of the same registration in the same trace. Both services run in
 * this process with the real relay and queue workers on the emulator; spans go to an in-memory
 * exporter.
 */
jest.setTimeout(60_000);

/** An in-memory exporter that lets the test await a span (no sleeping). */
class AwaitableExporter extends InMemorySpanExporter {
  private waiters: Array<{ matches: (span: ReadableSpan) => boolean; resolve: (span: ReadableSpan) => void }> = [];
  override export(spans: ReadableSpan[], done: Parameters<InMemorySpanExporter['export']>[1]) {
    super.export(spans, done);
    for (const span of spans)
      this.waiters = this.waiters.filter((waiter) => (waiter.matches(span) ? (waiter.resolve(span), false) : true));
  }
  next(what: string, matches: (span: ReadableSpan) => boolean, timeoutMs = 30_000): Promise<ReadableSpan> {
    const found = this.getFinishedSpans().find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no span ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ matches, resolve: (span) => (clearTimeout(timer), resolve(span)) });
    });
  }
}

const exporter = new AwaitableExporter();
let auth: TestApp;
let users: Awaited<ReturnType<typeof buildTestApp>>;

beforeAll(async () => {
  // Before the apps are built, as the entry points do.
  expect(startTracing('platform', { exporter })).toBe(true);
  auth = await startTestApp({ runOutboxRelay: true });
  users = await buildTestApp({
    mailTransport: createMailbox(),
    workers: true,
    env: { TOPOLOGY_PREFIX: auth.topology.prefix },
  });
  await Promise.all([users.app.ready(), auth.app.ready()]);
});
afterAll(async () => {
  await users?.app.close().catch(() => undefined);
  await auth?.close().catch(() => undefined);
  await stopTracing();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

it('follows a registration from the HTTP request through the outbox, SNS and SQS to its profile', async () => {
  const prefix = auth.topology.prefix;
  const { session } = await makeUser(auth);
  const userId = session.user.id;

  const request = await exporter.next('POST /auth/register', (span) => span.name === 'POST /auth/register');
  expect(request.kind).toBe(SpanKind.SERVER);
  expect(request.attributes['http.response.status_code']).toBe(201);
  const trace = traceOf(request);
  // The outbox rows the request's transaction wrote, marked on its span and stored with their context.
  const written = request.events.filter((event) => event.name === 'outbox.enqueue');
  expect(written.map((event) => event.attributes?.['event.type'])).toEqual([
    'user.created',
    'user.email.verification.requested',
  ]);
  const rows = await auth.app.context.prisma.outboxEvent.findMany({ where: { userId } });
  for (const row of rows) expect((row.traceContext as { traceparent: string }).traceparent).toContain(trace);
  const createdId = written[0]!.attributes!['event.id'];

  // The relay's publish of user.created: a child of the request.
  const publish = await exporter.next(
    'publish of user.created',
    (span) => span.name === `publish ${prefix}user-events` && span.attributes['messaging.message.id'] === createdId,
  );
  expect(publish.kind).toBe(SpanKind.PRODUCER);
  expect(traceOf(publish)).toBe(trace);
  expect(parentOf(publish)).toBe(idOf(request));

  // The consumer continues it from the message's traceparent attribute, across SNS and SQS.
  const consumed = await exporter.next(
    'process of user.created',
    (span) => span.name === `process ${prefix}user-profile-events` && span.attributes['event.id'] === createdId,
  );
  expect(consumed.kind).toBe(SpanKind.CONSUMER);
  expect(traceOf(consumed)).toBe(trace);
  expect(parentOf(consumed)).toBe(idOf(publish));
  expect(consumed.attributes['messaging.outcome']).toBe('applied');

  // Its database work, and the profile it made: in the same trace when the receive held this message
  // alone; under a batch span linked to it when a receive brought several (e.g. a copy the relay sent
  // again after a publish timed out on a loaded machine), since one transaction cannot sit in two traces.
  const batchLinkedTo = (span: ReadableSpan) =>
    exporter
      .getFinishedSpans()
      .some(
        (batch) => idOf(batch) === parentOf(span) && batch.links.some((link) => link.context.spanId === idOf(consumed)),
      );
  const applied = await exporter.next(
    'user_db apply profile events',
    (span) =>
      span.name === 'user_db apply profile events' && (parentOf(span) === idOf(consumed) || batchLinkedTo(span)),
  );
  if (parentOf(applied) === idOf(consumed)) expect(traceOf(applied)).toBe(trace);
  else expect(batchLinkedTo(applied)).toBe(true);
  expect(await users.app.context.prisma.userProfile.findUnique({ where: { id: userId } })).toMatchObject({
    id: userId,
  });

  // The verification mail of the same registration: the other branch of the same trace.
  const mailed = await exporter.next(
    'process of the verification mail',
    (span) => span.name === `process ${prefix}user-notifications` && traceOf(span) === trace,
  );
  expect(mailed.attributes['messaging.outcome']).toBe('sent');
  const sent = await exporter.next('send mail', (span) => span.name === 'send mail' && parentOf(span) === idOf(mailed));
  expect(traceOf(sent)).toBe(trace);
});

it('continues the trace of a caller that sends traceparent, and leaves health probes untraced', async () => {
  const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
  const response = await auth.app.inject({
    method: 'GET',
    url: '/.well-known/jwks.json',
    headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
  });
  expect(response.statusCode).toBe(200);
  const span = await exporter.next('GET /.well-known/jwks.json', (s) => s.name === 'GET /.well-known/jwks.json');
  expect(traceOf(span)).toBe(callerTrace);
  expect(parentOf(span)).toBe('00f067aa0ba902b7');

  await auth.app.inject({ method: 'GET', url: '/health/live' });
  expect(exporter.getFinishedSpans().some((s) => s.name.includes('/health'))).toBe(false);
});
