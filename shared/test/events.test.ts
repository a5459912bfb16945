import { createUserEvent, InvalidEventError, parseUserEvent, toSnsPublishInput, userEventTypes } from '../src/events';

const userId = '0b5f4c7e-3f53-4f8e-9a3e-2d9d1d0c6a11';

function makeCreatedEvent() {
  return createUserEvent({
    type: 'user.created',
    userId,
    userVersion: 1,
    correlationId: 'req-1',
    producer: 'auth-service',
    payload: { email: 'ada@example.com', displayName: 'Ada', roles: ['user'], emailVerified: false },
  });
}

describe('event envelope', () => {
  it('fills id (UUIDv7), schema version and timestamp', () => {
    const event = makeCreatedEvent();
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.schemaVersion).toBe(1);
    expect(new Date(event.occurredAt).getTime()).not.toBeNaN();
  });

  it('round-trips through JSON and the strict parser', () => {
    const event = makeCreatedEvent();
    expect(parseUserEvent(JSON.stringify(event))).toEqual(event);
  });

  it('rejects a payload that does not match its type', () => {
    expect(() =>
      createUserEvent({
        type: 'user.created',
        userId,
        userVersion: 1,
        correlationId: 'req-1',
        producer: 'auth-service',
        payload: { email: 'not-an-email', displayName: null, roles: ['user'], emailVerified: false },
      }),
    ).toThrow();
  });

  it.each([
    ['not JSON', '{', 'message body is not JSON'],
    ['an unknown type', JSON.stringify({ type: 'user.teleported' }), 'unknown event type: "user.teleported"'],
    ['a missing type', JSON.stringify({ id: 1 }), 'unknown event type: null'],
  ])('refuses %s', (_case, body, message) => {
    expect(() => parseUserEvent(body)).toThrow(new InvalidEventError(message));
  });

  it('refuses unknown fields and names the bad ones', () => {
    const event = { ...makeCreatedEvent(), extra: true, userVersion: 0 };
    try {
      parseUserEvent(JSON.stringify(event));
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      const paths = (error as InvalidEventError).issues.map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['userVersion', '']));
    }
  });

  it('puts the type in the message attribute that subscriptions filter on', () => {
    const event = makeCreatedEvent();
    const input = toSnsPublishInput('arn:aws:sns:us-east-1:000000000000:user-events', event);
    expect(input.MessageAttributes?.type).toEqual({ DataType: 'String', StringValue: 'user.created' });
    expect(JSON.parse(input.Message!)).toEqual(event);
  });

  it('covers the whole event catalogue of docs/architecture.md', () => {
    expect([...userEventTypes].sort()).toEqual(
      [
        'user.created',
        'user.deactivated',
        'user.deleted',
        'user.email.verification.requested',
        'user.email.verified',
        'user.password.reset.requested',
        'user.reactivated',
      ].sort(),
    );
  });
});
