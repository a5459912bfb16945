import pino from 'pino';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { acknowledge, createSqsLambdaHandler, retryLater, type QueueMessage } from '../src/messaging';

function makeRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '0',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {
      type: { stringValue: 'user.created', dataType: 'String', stringListValues: [], binaryListValues: [] },
    },
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:user-profile-events',
    awsRegion: 'us-east-1',
  };
}

describe('createSqsLambdaHandler', () => {
  it('reports exactly the records that asked for a retry or threw', async () => {
    const seen: QueueMessage[] = [];
    const handler = createSqsLambdaHandler({
      queueName: 'user-profile-events',
      logger: pino({ level: 'silent' }),
      handler: async (message) => {
        seen.push(message);
        if (message.body === 'retry') return retryLater('profile not there yet');
        if (message.body === 'bug') throw new Error('boom');
        return acknowledge('applied');
      },
    });
    const event: SQSEvent = {
      Records: [makeRecord('a', 'ok'), makeRecord('b', 'retry'), makeRecord('c', 'ok'), makeRecord('d', 'bug')],
    };

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }, { itemIdentifier: 'd' }]);
    expect(seen.map((message) => message.messageId)).toEqual(['a', 'b', 'c', 'd']);
    expect(seen[0]).toMatchObject({ receiveCount: 2, attributes: { type: 'user.created' } });
  });

  it('reports no failures for a fully handled batch', async () => {
    const handler = createSqsLambdaHandler({
      queueName: 'q',
      logger: pino({ level: 'silent' }),
      handler: async () => acknowledge('applied'),
    });
    expect(await handler({ Records: [makeRecord('a', 'x')] })).toEqual({ batchItemFailures: [] });
  });
});
