import pino from 'pino';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  acknowledge,
  createSqsLambdaHandler,
  perMessage,
  reject,
  retryLater,
  type QueueMessage,
} from '../src/messaging';

/** No DLQ in these unit tests: moving a rejected record fails, which the runner must report as a failure. */
const unreachableDeadLetters = {
  sqs: {} as SQSClient,
  queueUrl: () => Promise.reject(new Error('DLQ unreachable')),
};

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
      deadLetters: unreachableDeadLetters,
      handler: perMessage(async (message) => {
        seen.push(message);
        if (message.body === 'retry') return retryLater('profile not there yet');
        if (message.body === 'bug') throw new Error('boom');
        return acknowledge('applied');
      }),
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
      deadLetters: unreachableDeadLetters,
      handler: perMessage(async () => acknowledge('applied')),
    });
    expect(await handler({ Records: [makeRecord('a', 'x')] })).toEqual({ batchItemFailures: [] });
  });

  it('reports a rejected record as failed when it cannot be moved to the DLQ (it then takes the redrive path)', async () => {
    const handler = createSqsLambdaHandler({
      queueName: 'q',
      logger: pino({ level: 'silent' }),
      deadLetters: unreachableDeadLetters,
      handler: perMessage(async (message) => (message.body === 'poison' ? reject('not JSON') : acknowledge('applied'))),
    });
    expect(await handler({ Records: [makeRecord('a', 'x'), makeRecord('b', 'poison')] })).toEqual({
      batchItemFailures: [{ itemIdentifier: 'b' }],
    });
  });

  it('reports every record of a batch whose handler threw', async () => {
    const handler = createSqsLambdaHandler({
      queueName: 'q',
      logger: pino({ level: 'silent' }),
      deadLetters: unreachableDeadLetters,
      handler: async () => {
        throw new Error('database down');
      },
    });
    expect(await handler({ Records: [makeRecord('a', 'x'), makeRecord('b', 'y')] })).toEqual({
      batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }],
    });
  });
});
