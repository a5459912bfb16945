import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { buildTestApp, makeEvent } from '../test/testApp';
import { createLambdaHandlers } from './lambdaHandlers';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

function sqsRecord(body: string, type?: string): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: '1',
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

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: malformed.messageId },
      { itemIdentifier: missingProfile.messageId },
    ]);
    expect(await t.app.userService.prisma.userProfile.findUnique({ where: { id: userId } })).toMatchObject({
      status: 'active',
    });
  });

  it('the notifications handler reports a record whose mail could not be sent', async () => {
    const handlers = createLambdaHandlers(async () => t.app);
    const sent = makeEvent('user.password.reset.requested', randomUUID(), 3);
    const notForThisQueue = makeEvent('user.deleted', randomUUID(), 3);
    const failing = sqsRecord(JSON.stringify(notForThisQueue), notForThisQueue.type);
    const response = await handlers.notifications({ Records: [sqsRecord(JSON.stringify(sent), sent.type), failing] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
  });
});
