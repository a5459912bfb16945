import { z } from 'zod';

/**
 * THE EVENT CATALOGUE: every user event, one entry each. To add an event type, add an entry here:
 * - `payload`: the fields of its payload (zod). Producers are held to exactly these fields; consumers
 *   read tolerantly (fields they do not know are dropped), so a producer may add a field first.
 * - `schemaVersion`: bump it on an additive change; a breaking change is a new event type.
 * - `queues`: the queues whose subscription receives it. The topology's filter policies, the
 *   LocalStack hook and serverless.yml are derived from this (run `npm run infra:render`), and each
 *   queue's handler is type-checked to handle exactly the types routed to it.
 * Then publish it from the auth-service (`enqueueUserEvent` in a transaction) and handle it in the
 * consumer of each queue listed (the compiler points at the switch that misses it).
 */
const email = z.email().max(254);
const isoDateTime = z.iso.datetime({ offset: true });
const displayName = z.string().max(100).nullable();
/** One-time token, delivered only by mail; never log it. */
const oneTimeToken = z.string().min(32);

export const userEvents = {
  'user.created': {
    description: 'An account was registered (or bootstrapped).',
    schemaVersion: 1,
    queues: ['user-profile-events'],
    payload: { email, displayName, roles: z.array(z.string()).min(1), emailVerified: z.boolean() },
  },
  'user.email.verification.requested': {
    description: 'A verification mail must be sent (registration, or a resend).',
    schemaVersion: 1,
    queues: ['user-notifications'],
    payload: { email, displayName, token: oneTimeToken, expiresAt: isoDateTime },
  },
  'user.password.reset.requested': {
    description: 'A password-reset mail must be sent.',
    schemaVersion: 1,
    queues: ['user-notifications'],
    payload: { email, displayName, token: oneTimeToken, expiresAt: isoDateTime },
  },
  'user.registration.attempted': {
    description:
      'Someone tried to register with the email of this existing account (registration in conceal mode): the ' +
      'client got the same answer as for a new email, and the owner is told by mail instead.',
    schemaVersion: 1,
    queues: ['user-notifications'],
    payload: { email, displayName, attemptedAt: isoDateTime },
  },
  'user.email.verified': {
    description: 'The owner proved the email address.',
    schemaVersion: 1,
    queues: ['user-profile-events'],
    payload: { email, verifiedAt: isoDateTime },
  },
  'user.deactivated': {
    description: 'An admin deactivated the account; it can be reactivated.',
    schemaVersion: 1,
    queues: ['user-profile-events'],
    payload: { deactivatedAt: isoDateTime, reason: z.string().max(500).nullable() },
  },
  'user.reactivated': {
    description: 'An admin reactivated the account.',
    schemaVersion: 1,
    queues: ['user-profile-events'],
    payload: { reactivatedAt: isoDateTime },
  },
  'user.deleted': {
    description: 'Erasure: consumers delete the personal data and keep only a tombstone.',
    schemaVersion: 1,
    queues: ['user-profile-events'],
    payload: { deletedAt: isoDateTime },
  },
} as const satisfies Record<string, EventDefinition>;

export interface EventDefinition {
  description: string;
  schemaVersion: number;
  /** Names of the queues (topology) that receive it. */
  queues: readonly string[];
  payload: z.ZodRawShape;
}

export type UserEventType = keyof typeof userEvents;
export type UserEventPayload<T extends UserEventType> = z.infer<z.ZodObject<(typeof userEvents)[T]['payload']>>;

export const userEventTypes = Object.keys(userEvents) as UserEventType[];

/** The queue names the catalogue routes to (the topology checks that it defines each). */
export type RoutedQueueName = (typeof userEvents)[UserEventType]['queues'][number];

/** The event types routed to queue Q. */
export type EventTypesRoutedTo<Q extends string> = {
  [T in UserEventType]: Q extends (typeof userEvents)[T]['queues'][number] ? T : never;
}[UserEventType];

/** The event types routed to a queue, in catalogue order: its subscription's filter policy. */
export function eventTypesRoutedTo<Q extends RoutedQueueName>(queue: Q): EventTypesRoutedTo<Q>[] {
  return userEventTypes.filter((type) =>
    (userEvents[type].queues as readonly string[]).includes(queue),
  ) as EventTypesRoutedTo<Q>[];
}

export function isUserEventType(value: string): value is UserEventType {
  return Object.hasOwn(userEvents, value);
}
