import type { Message } from '@aws-sdk/client-sqs';
import { describeDeadLetter, summarise } from './deadLetters';

const resetEvent = {
  id: '019a7c1e-0000-7000-8000-000000000001',
  type: 'user.password.reset.requested',
  schemaVersion: 1,
  occurredAt: '2026-11-22T10:00:00.000Z',
  producer: 'auth-service',
  correlationId: 'corr-1',
  userId: '019a7c1e-5b1f-7c3a-9d2e-4f6a8b0c1d2e',
  userVersion: 3,
  payload: { email: 'ada@example.com', displayName: null, token: 'one-time-secret', expiresAt: '2026-11-22T11:00:00Z' },
};

describe('a dead letter as npm run dlq shows it', () => {
  it('names the type, user, event and reason, and shows the body without its one-time token', () => {
    const letter = summarise({
      MessageId: 'm-1',
      Body: JSON.stringify(resetEvent),
      Attributes: { ApproximateReceiveCount: '5', SentTimestamp: String(Date.parse('2026-11-22T10:00:01Z')) },
      MessageAttributes: { type: { DataType: 'String', StringValue: resetEvent.type } },
    } satisfies Message);
    expect(letter).toMatchObject({
      type: 'user.password.reset.requested',
      userId: resetEvent.userId,
      eventId: resetEvent.id,
      receiveCount: 5,
      sentAt: '2026-11-22T10:00:01.000Z',
      reason: null,
    });
    expect(letter.body).toContain('"token":"[redacted]"');
    expect(letter.body).not.toContain('one-time-secret');
    expect(describeDeadLetter(letter, 0)).toEqual([
      `1. user.password.reset.requested · user ${resetEvent.userId} · event ${resetEvent.id} · correlation corr-1 · received 5× · sent 2026-11-22T10:00:01.000Z`,
      '   reason  used up its retries (a transient failure that kept failing)',
      `   body    ${letter.body}`,
    ]);
  });

  it('shows what a message that is not an event is, and why a consumer moved it at once', () => {
    const letter = summarise({
      MessageId: 'm-2',
      Body: 'x'.repeat(700),
      MessageAttributes: {
        rejectReason: { DataType: 'String', StringValue: 'invalid event: message body is not JSON' },
      },
    });
    const [facts, reason, body] = describeDeadLetter(letter, 1);
    expect(facts).toBe('2. no event type · user (none) · event (none)');
    expect(reason).toBe('   reason  invalid event: message body is not JSON');
    expect(body).toBe(`   body    ${'x'.repeat(600)}… (700 characters)`);
  });
});
