import { randomUUID } from 'node:crypto';
import { handleOne, type QueueMessage, type QueueMessageHandler } from '@platform/shared/messaging';
import { profileCacheKey } from './ProfileCache';
import { asQueueMessage, buildTestApp, makeEvent } from '../../../test/testApp';

let built: Awaited<ReturnType<typeof buildTestApp>>;
let handle: QueueMessageHandler;

beforeAll(async () => {
  built = await buildTestApp();
  handle = (message: QueueMessage) => handleOne(built.app.context.queueHandlers['user-profile-events'], message);
});
afterAll(() => built.app.close());

const prisma = () => built.app.context.prisma;
const profileOf = (id: string) => prisma().userProfile.findUnique({ where: { id } });
const inboxOf = (eventId: string) => prisma().eventLog.findUnique({ where: { eventId } });

async function createdUser(userVersion = 1) {
  const userId = randomUUID();
  expect(await handle(asQueueMessage(makeEvent('user.created', userId, userVersion)))).toEqual({
    action: 'acknowledge',
    outcome: 'applied',
  });
  return userId;
}

describe('profile events: effects', () => {
  it('user.created makes an active profile with default preferences and an empty wishlist', async () => {
    const userId = randomUUID();
    const event = makeEvent('user.created', userId, 1, { displayName: 'Grace', emailVerified: false });
    expect(await handle(asQueueMessage(event))).toEqual({ action: 'acknowledge', outcome: 'applied' });
    expect(await profileOf(userId)).toMatchObject({
      email: event.payload.email,
      displayName: 'Grace',
      status: 'active',
      emailVerified: false,
      userVersion: 1,
    });
    expect(await prisma().userPreferences.findUnique({ where: { userId } })).toMatchObject({
      language: 'en',
      currency: 'USD',
      theme: 'system',
    });
    expect(await prisma().wishlistItem.count({ where: { userId } })).toBe(0);
    expect(await inboxOf(event.id)).toMatchObject({
      status: 'processed',
      type: 'user.created',
      userId,
      userVersion: 1,
      correlationId: event.correlationId,
    });
  });

  it('user.email.verified marks the email verified', async () => {
    const userId = await createdUser();
    await handle(asQueueMessage(makeEvent('user.email.verified', userId, 2)));
    expect(await profileOf(userId)).toMatchObject({ emailVerified: true, userVersion: 2 });
  });

  it('user.deactivated and user.reactivated switch the status', async () => {
    const userId = await createdUser();
    await handle(asQueueMessage(makeEvent('user.deactivated', userId, 2)));
    expect(await profileOf(userId)).toMatchObject({ status: 'deactivated' });
    await handle(asQueueMessage(makeEvent('user.reactivated', userId, 3)));
    expect(await profileOf(userId)).toMatchObject({ status: 'active', statusVersion: 3 });
  });

  it('user.deleted erases personal and shopping data and keeps a tombstone', async () => {
    const userId = await createdUser();
    await prisma().userProfile.update({
      where: { id: userId },
      data: { phone: '+14155550123', avatarUrl: 'https://cdn.example/a.png' },
    });
    await prisma().address.create({
      data: {
        userId,
        recipientName: 'Ada',
        line1: '1 Main St',
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
        isDefault: true,
      },
    });
    await prisma().paymentMethod.create({
      data: { userId, provider: 'stripe', token: 'pm_123', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2099 },
    });
    await prisma().wishlistItem.create({ data: { userId, productId: 'sku-1' } });

    expect(await handle(asQueueMessage(makeEvent('user.deleted', userId, 2)))).toEqual({
      action: 'acknowledge',
      outcome: 'applied',
    });

    expect(await profileOf(userId)).toMatchObject({
      status: 'deleted',
      email: null,
      displayName: null,
      phone: null,
      avatarUrl: null,
      emailVerified: false,
    });
    for (const count of [
      prisma().address.count({ where: { userId } }),
      prisma().paymentMethod.count({ where: { userId } }),
      prisma().wishlistItem.count({ where: { userId } }),
      prisma().userPreferences.count({ where: { userId } }),
    ]) {
      expect(await count).toBe(0);
    }
  });

  it('every applied event invalidates the cached profile', async () => {
    const userId = await createdUser();
    await built.app.context.cache.get(userId);
    const redisKeyExists = () =>
      (
        built.app.context.cache as unknown as { deps: { redis: { exists(key: string): Promise<number> } } }
      ).deps.redis.exists(profileCacheKey(userId));
    expect(await redisKeyExists()).toBe(1);
    await handle(asQueueMessage(makeEvent('user.deactivated', userId, 2)));
    expect(await redisKeyExists()).toBe(0);
    expect(await built.app.context.cache.get(userId)).toMatchObject({ status: 'deactivated' });
  });
});

describe('profile events: delivery', () => {
  it('a duplicate delivery is acknowledged and changes nothing', async () => {
    const userId = await createdUser();
    const deactivated = makeEvent('user.deactivated', userId, 2);
    await handle(asQueueMessage(deactivated));
    // Something changed the row since; a second effect of the old event would undo it.
    await handle(asQueueMessage(makeEvent('user.reactivated', userId, 3)));
    expect(await handle(asQueueMessage(deactivated, 2))).toEqual({ action: 'acknowledge', outcome: 'duplicate' });
    expect(await profileOf(userId)).toMatchObject({ status: 'active' });
    expect(await inboxOf(deactivated.id)).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it('concurrent deliveries of the same user.created apply it once', async () => {
    const event = makeEvent('user.created', randomUUID(), 1);
    const results = await Promise.all([1, 2, 3].map(() => handle(asQueueMessage(event))));
    expect(results.map((r) => (r.action === 'acknowledge' ? r.outcome : r.action)).sort()).toEqual([
      'applied',
      'duplicate',
      'duplicate',
    ]);
  });

  it('an event older than the applied state is acknowledged, ignored and recorded', async () => {
    const userId = await createdUser();
    await handle(asQueueMessage(makeEvent('user.reactivated', userId, 5)));
    const late = makeEvent('user.deactivated', userId, 4);
    expect(await handle(asQueueMessage(late))).toEqual({ action: 'acknowledge', outcome: 'stale' });
    expect(await profileOf(userId)).toMatchObject({ status: 'active' });
    expect(await inboxOf(late.id)).toMatchObject({ status: 'ignored' });
  });

  it('out of order: every order of the same events converges to the same profile', async () => {
    const userId = randomUUID();
    const events = [
      makeEvent('user.created', userId, 1),
      makeEvent('user.email.verified', userId, 2),
      makeEvent('user.deactivated', userId, 3),
      makeEvent('user.reactivated', userId, 4),
      makeEvent('user.deactivated', userId, 6),
    ];
    // Reverse order: all but user.created wait (retry) until the profile exists; SQS brings them back.
    let pending = [...events].reverse();
    while (pending.length > 0) {
      const retried = [];
      for (const event of pending) if ((await handle(asQueueMessage(event))).action === 'retry') retried.push(event);
      pending = retried;
    }
    expect(await profileOf(userId)).toMatchObject({ emailVerified: true, status: 'deactivated', userVersion: 6 });
  });

  it('an event for a profile that does not exist yet is retried, not lost, and applies once it does', async () => {
    const userId = randomUUID();
    const verified = makeEvent('user.email.verified', userId, 2);
    expect(await handle(asQueueMessage(verified))).toEqual({ action: 'retry', reason: 'profile does not exist yet' });
    expect(await inboxOf(verified.id)).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('profile does not exist'),
    });
    await handle(asQueueMessage(makeEvent('user.created', userId, 1)));
    expect(await handle(asQueueMessage(verified, 2))).toEqual({ action: 'acknowledge', outcome: 'applied' });
    expect(await profileOf(userId)).toMatchObject({ emailVerified: true });
  });

  it('nothing brings personal data back after a deletion', async () => {
    const userId = await createdUser();
    await handle(asQueueMessage(makeEvent('user.deleted', userId, 3)));
    expect(await handle(asQueueMessage(makeEvent('user.email.verified', userId, 2)))).toEqual({
      action: 'acknowledge',
      outcome: 'stale',
    });
    expect(await handle(asQueueMessage(makeEvent('user.reactivated', userId, 9)))).toEqual({
      action: 'acknowledge',
      outcome: 'stale',
    });
    expect(await profileOf(userId)).toMatchObject({ status: 'deleted', email: null });
  });

  it.each([
    ['not JSON', '{oops', 'invalid event: message body is not JSON'],
    [
      'an unknown type',
      JSON.stringify({ type: 'user.teleported' }),
      'invalid event: unknown event type: "user.teleported"',
    ],
    [
      'a malformed event',
      JSON.stringify({ ...makeEvent('user.created', randomUUID(), 1), userVersion: -1 }),
      'invalid event: invalid user.created event',
    ],
    [
      'a mail event',
      JSON.stringify(makeEvent('user.password.reset.requested', randomUUID(), 1)),
      'event type user.password.reset.requested does not belong on user-profile-events',
    ],
  ])(
    '%s is rejected with its reason, so that it goes to the DLQ at once instead of being dropped',
    async (_name, body, reason) => {
      expect(await handle(asQueueMessage(body))).toEqual({ action: 'reject', reason });
    },
  );

  it('reads an event with fields it does not know yet (an additive change by the producer)', async () => {
    const userId = randomUUID();
    const event = makeEvent('user.created', userId, 1);
    const newer = { ...event, schemaVersion: 2, payload: { ...event.payload, locale: 'fr-FR' } };
    expect(await handle(asQueueMessage(JSON.stringify(newer)))).toEqual({ action: 'acknowledge', outcome: 'applied' });
    expect(await profileOf(userId)).toMatchObject({ status: 'active', email: event.payload.email });
  });

  it('a deletion that arrives before the creation leaves a tombstone: the late user.created brings nothing back', async () => {
    const userId = randomUUID();
    const deleted = makeEvent('user.deleted', userId, 3);
    expect(await handle(asQueueMessage(deleted))).toEqual({ action: 'acknowledge', outcome: 'applied' });
    expect(await handle(asQueueMessage(makeEvent('user.created', userId, 1)))).toEqual({
      action: 'acknowledge',
      outcome: 'stale',
    });
    expect(await handle(asQueueMessage(makeEvent('user.deactivated', userId, 2)))).toEqual({
      action: 'acknowledge',
      outcome: 'stale',
    });
    expect(await profileOf(userId)).toMatchObject({
      status: 'deleted',
      email: null,
      displayName: null,
      userVersion: 3,
    });
    expect(await prisma().userPreferences.findUnique({ where: { userId } })).toBeNull();
  });

  it('a whole receive is applied together, whatever its order: several users, several events of one user, a duplicate', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const created = makeEvent('user.created', a, 1);
    const batch = [
      makeEvent('user.deactivated', a, 3),
      makeEvent('user.created', b, 1),
      makeEvent('user.email.verified', a, 2),
      created,
      created,
      makeEvent('user.deleted', b, 2),
    ].map((event) => asQueueMessage(event));
    const results = await built.app.context.queueHandlers['user-profile-events'](batch);
    expect(results.map((result) => result.action)).toEqual(Array(6).fill('acknowledge'));
    expect(results.filter((result) => result.action === 'acknowledge' && result.outcome === 'duplicate')).toHaveLength(
      1,
    );
    expect(await profileOf(a)).toMatchObject({ status: 'deactivated', emailVerified: true, userVersion: 3 });
    expect(await profileOf(b)).toMatchObject({ status: 'deleted', email: null });
  });
});
