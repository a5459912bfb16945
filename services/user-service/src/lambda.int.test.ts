import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { buildTestApp, createMailbox, givenUser, makeEvent } from '../test/testApp';
import { REJECT_REASON_ATTRIBUTE } from '@platform/shared/messaging';
import { createAwsClients } from '@platform/shared/aws';
import { awaitMessage, provisionIsolatedTopology } from '@platform/shared/testing';
import { resolveQueue } from '@platform/shared/topology';
import { createLambdaHandlers } from './lambda';

const mailbox = createMailbox();
// Queues of its own: a rejected record is moved to this topology's DLQ.
const aws = createAwsClients();
let provisioned: Awaited<ReturnType<typeof provisionIsolatedTopology>>;
let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  provisioned = await provisionIsolatedTopology(aws);
  t = await buildTestApp({ mailTransport: mailbox, env: { TOPOLOGY_PREFIX: provisioned.prefix } });
});
afterAll(async () => {
  await t?.app.close();
  await provisioned?.destroy();
  aws.destroy();
});

function sqsRecord(body: string, type?: string, receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: 'sns',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: type
      ? { type: { stringValue: type, dataType: 'String', stringListValues: [], binaryListValues: [] } }
      : {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:user-profile-events',
    awsRegion: 'us-east-1',
  };
}

describe('Lambda SQS handlers', () => {
  it('report exactly the records that failed, so SQS redelivers only those', async () => {
    const handlers = createLambdaHandlers(async () => t.app);
    const userId = randomUUID();
    const created = makeEvent('user.created', userId, 1);
    const good = sqsRecord(JSON.stringify(created), created.type);
    const malformed = sqsRecord('{"type":"user.created"}', 'user.created');
    const early = makeEvent('user.deactivated', randomUUID(), 2); // its profile does not exist yet
    const missingProfile = sqsRecord(JSON.stringify(early), early.type);
    const duplicate = sqsRecord(JSON.stringify(created), created.type);

    const event: SQSEvent = { Records: [good, malformed, missingProfile, duplicate] };
    const response = await handlers.profileEvents(event);

    // The malformed record can never succeed: it went to the DLQ at once, with its reason, and is not a failure.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: missingProfile.messageId }]);
    expect(await t.app.context.prisma.userProfile.findUnique({ where: { id: userId } })).toMatchObject({
      status: 'active',
    });
    const { deadLetterQueueUrl } = await resolveQueue(
      t.app.context.aws,
      t.app.context.config.TOPOLOGY_PREFIX,
      'user-profile-events',
    );
    const dead = await awaitMessage({
      sqs: t.app.context.aws.sqs,
      queueUrl: deadLetterQueueUrl,
      matches: (message) => message.Body === malformed.body,
    });
    expect(dead.MessageAttributes?.[REJECT_REASON_ATTRIBUTE]?.StringValue).toContain('invalid event');
  });

  it('the notifications handler reports a record whose mail could not be sent, and its redelivery sends it', async () => {
    const handlers = createLambdaHandlers(async () => t.app);
    const unsent = makeEvent('user.email.verification.requested', randomUUID(), 1);
    const sent = makeEvent('user.password.reset.requested', randomUUID(), 3);
    const failing = sqsRecord(JSON.stringify(unsent), unsent.type);
    mailbox.failNext(new Error('421 4.3.2 service not available')); // records are handled in order: the first send fails

    const response = await handlers.notifications({ Records: [failing, sqsRecord(JSON.stringify(sent), sent.type)] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
    const recipients = () => mailbox.mails.map((mail) => mail.to);
    expect(recipients()).toContain(sent.payload.email);
    expect(recipients()).not.toContain(unsent.payload.email);

    const redelivered = sqsRecord(failing.body, unsent.type, 2);
    expect(await handlers.notifications({ Records: [redelivered] })).toEqual({ batchItemFailures: [] });
    expect(recipients().filter((to) => to === unsent.payload.email)).toHaveLength(1);
  });

  it('the notifications handler moves an event that does not belong to its queue to the DLQ, sending nothing', async () => {
    const handlers = createLambdaHandlers(async () => t.app);
    const notForThisQueue = makeEvent('user.deleted', randomUUID(), 3);
    const misrouted = sqsRecord(JSON.stringify(notForThisQueue), notForThisQueue.type);
    const mailsBefore = mailbox.mails.length;
    const response = await handlers.notifications({ Records: [misrouted] });
    expect(response.batchItemFailures).toEqual([]);
    expect(mailbox.mails).toHaveLength(mailsBefore);
    const dead = await awaitMessage({
      sqs: t.app.context.aws.sqs,
      queueUrl: provisioned.queues['user-notifications']!.deadLetterQueue.url,
      matches: (message) => message.Body === misrouted.body,
    });
    expect(dead.MessageAttributes?.[REJECT_REASON_ATTRIBUTE]?.StringValue).toBe(
      'event type user.deleted does not belong on user-notifications',
    );
  });
});

/** An HTTP API (payload 2.0) event as API Gateway sends it to userHttp. */
function httpApiEvent(method: string, path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.test', ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

describe('Lambda HTTP handler', () => {
  it('serves API Gateway events from an app that is already started, as the Lambda entry builds it', async () => {
    // src/lambda.ts hands over an app after ready(): the proxy must not add decorators then.
    await t.app.ready();
    const handlers = createLambdaHandlers(async () => t.app);
    const user = await givenUser(t);
    const context = {} as Context;

    const own = await handlers.http(httpApiEvent('GET', '/users/me', user.auth), context);
    expect(own.statusCode).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ id: user.userId, email: user.email, status: 'active' });

    const anonymous = await handlers.http(httpApiEvent('GET', '/users/me'), context);
    expect(anonymous.statusCode).toBe(401);
    expect(JSON.parse(anonymous.body)).toMatchObject({ error: { code: expect.any(String) } });
  });
});
