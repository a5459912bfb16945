import { randomUUID } from 'node:crypto';
import type { PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { createUserEvent, toSnsPublishInput, type UserEvent } from '@platform/shared/events';

/**
 * N valid `user.created` events of N distinct users, as the auth-service writes them: the envelope
 * from the shared catalogue, so the consumer accepts each one and makes a profile of it.
 */
export function userCreatedEvents(count: number, tag: string): UserEvent<'user.created'>[] {
  return Array.from({ length: count }, (_, index) =>
    createUserEvent({
      type: 'user.created',
      userId: randomUUID(),
      userVersion: 1,
      correlationId: `bench-${tag}-${index}`,
      producer: 'auth-service',
      payload: {
        email: `bench-${tag}-${index}@example.com`,
        displayName: `Bench ${index}`,
        roles: ['user'],
        emailVerified: false,
      },
    }),
  );
}

/** The PublishBatch entry of an event: the same body and attributes the relay's Publish sends. */
export function publishBatchEntry(topicArn: string, event: UserEvent, id: string): PublishBatchRequestEntry {
  const { Message, MessageAttributes } = toSnsPublishInput(topicArn, event);
  return { Id: id, Message, MessageAttributes };
}

/** Splits items into consecutive groups of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let index = 0; index < items.length; index += size) groups.push(items.slice(index, index + size));
  return groups;
}
