import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { UserEvent } from '@platform/shared/events';
import type { HandlerResult } from '@platform/shared/messaging';
import { asQueueMessage, buildTestApp, makeEvent } from '../../../test/testApp';
import type { ProfileEvent } from './profileEventEffects';

/**
 * Convergence, as a property: whatever the order, delay, duplication and batching of a user's
 * events, the profile ends exactly as when the same events are delivered once each, in order.
 * Both deliveries go through the real handler and the real database; only the schedule differs.
 */
let built: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  built = await buildTestApp();
});
afterAll(() => built.app.close());

type Step = 'verified' | 'deactivated' | 'reactivated';

/** A user's history as the auth-service would publish it: created, some changes, maybe deleted. */
const history = fc.record({
  steps: fc.array(fc.constantFrom<Step>('verified', 'deactivated', 'reactivated'), { maxLength: 6 }),
  deleted: fc.boolean(),
  // userVersion grows by 1 or more per event (it also grows for changes the user-service never sees)
  gaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 8, maxLength: 8 }),
});

const deletedAt = '2026-11-22T10:00:00.000Z';

type History = { steps: Step[]; deleted: boolean; gaps: number[] };

function eventsOf(userId: string, { steps, deleted, gaps }: History, emails: string[]) {
  let version = 1;
  const events: ProfileEvent[] = [makeEvent('user.created', userId, version, { email: emails[0]! })];
  steps.forEach((step, index) => {
    version += gaps[index]!;
    if (step === 'verified')
      events.push(makeEvent('user.email.verified', userId, version, { email: emails[index + 1]! }));
    else events.push(makeEvent(step === 'deactivated' ? 'user.deactivated' : 'user.reactivated', userId, version));
  });
  if (deleted) events.push(makeEvent('user.deleted', userId, version + gaps[7]!, { deletedAt }));
  return events;
}

const handle = (messages: ReturnType<typeof asQueueMessage>[]): Promise<HandlerResult[]> =>
  built.app.context.queueHandlers['user-profile-events'](messages);

async function profileRow(userId: string) {
  const row = await built.app.context.prisma.userProfile.findUnique({
    where: { id: userId },
    include: { preferences: { select: { language: true } } },
  });
  if (!row) return null;
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = row;
  return rest;
}

describe('profile events converge whatever the delivery', () => {
  it('random order, duplicates, batching and retries end in the in-order state', async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.array(
          fc.stringMatching(/^[a-z0-9]{1,12}$/).map((local) => `${local}@example.test`),
          {
            minLength: 8,
            maxLength: 8,
          },
        ),
        // The delivery schedule: a shuffle key per copy, copies per event, batch sizes.
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 10, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 10, maxLength: 10 }),
        async (user, emails, shuffleKeys, copies, batchSizes) => {
          const inOrderUser = randomUUID();
          const scrambledUser = randomUUID();
          const original = eventsOf(inOrderUser, user, emails);

          // Reference: each event once, in order, one at a time.
          for (const event of original) {
            const [result] = await handle([asQueueMessage(event)]);
            expect(result).toMatchObject({ action: 'acknowledge' });
          }

          // The same history delivered the way SQS may: duplicated, shuffled, in batches; a retried
          // message comes back later (after the others queued now), as its visibility timeout brings it.
          // The same history for another user (other event ids), so the two rows compare column by column.
          const events = eventsOf(scrambledUser, user, emails);
          let queue: UserEvent[] = events.flatMap((event, index) => Array<UserEvent>(copies[index]!).fill(event));
          queue = queue
            .map((event, index) => ({ event, key: shuffleKeys[index % shuffleKeys.length]! + index / 1000 }))
            .sort((a, b) => a.key - b.key)
            .map(({ event }) => event);
          for (let round = 0; queue.length > 0; round++) {
            if (round > 50) throw new Error('delivery did not settle');
            const size = batchSizes[round % batchSizes.length]!;
            const batch = queue.splice(0, size);
            const results = await handle(batch.map((event) => asQueueMessage(event)));
            results.forEach((result, index) => {
              expect(result.action).not.toBe('reject');
              if (result.action === 'retry') queue.push(batch[index]!);
            });
          }

          expect(await profileRow(scrambledUser)).toEqual(await profileRow(inOrderUser));
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
