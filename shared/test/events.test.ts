import {
  createUserEvent,
  eventTypesRoutedTo,
  InvalidEventError,
  parseUserEvent,
  toSnsPublishInput,
  userEvents,
  userEventTypes,
} from '../src/events';
import { filterPolicyOf, queueDefinition } from '../src/topology/definition';

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

  it('round-trips through JSON and the parser', () => {
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

  it('reads an event with fields it does not know (an additive change) and drops them', () => {
    const event = makeCreatedEvent();
    const newer = { ...event, schemaVersion: 2, traceId: 't-1', payload: { ...event.payload, locale: 'fr-FR' } };
    expect(parseUserEvent(JSON.stringify(newer))).toEqual({ ...event, schemaVersion: 2 });
  });

  it('refuses a missing or invalid field and names it', () => {
    const { payload, ...event } = makeCreatedEvent();
    const { email: _email, ...withoutEmail } = payload;
    try {
      parseUserEvent(JSON.stringify({ ...event, userVersion: 0, payload: withoutEmail }));
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      const paths = (error as InvalidEventError).issues.map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(['userVersion', 'payload.email']));
    }
  });

  it('holds producers to exactly the catalogue: a field it does not name is refused', () => {
    expect(() =>
      createUserEvent({
        type: 'user.deleted',
        userId,
        userVersion: 2,
        correlationId: 'req-1',
        producer: 'auth-service',
        payload: { deletedAt: new Date().toISOString(), reason: 'x' } as never,
      }),
    ).toThrow();
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
        'user.registration.attempted',
      ].sort(),
    );
  });
});

describe('routing from the catalogue', () => {
  it('gives each queue the event types the catalogue routes to it, and every type a queue', () => {
    expect(eventTypesRoutedTo('user-notifications')).toEqual([
      'user.email.verification.requested',
      'user.password.reset.requested',
      'user.registration.attempted',
    ]);
    expect(eventTypesRoutedTo('user-profile-events')).toEqual([
      'user.created',
      'user.email.verified',
      'user.deactivated',
      'user.reactivated',
      'user.deleted',
    ]);
    expect(filterPolicyOf(queueDefinition('user-profile-events'))).toEqual({
      type: eventTypesRoutedTo('user-profile-events'),
    });
    for (const type of userEventTypes) expect(userEvents[type].queues.length).toBeGreaterThan(0);
  });
});
