import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import {
  isUserEventType,
  userEventPayloads,
  userEventSchemaVersions,
  userEventTypes,
  type UserEventPayload,
  type UserEventType,
} from './catalogue';

/** The SNS/SQS message attribute that carries the event type; subscriptions filter on it. */
export const EVENT_TYPE_ATTRIBUTE = 'type';

const envelopeFields = {
  id: z.uuid({ version: 'v7' }),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  correlationId: z.string().min(1).max(200),
  userId: z.uuid(),
  userVersion: z.number().int().positive(),
};

function envelopeSchemaFor<T extends UserEventType>(type: T) {
  return z.strictObject({
    ...envelopeFields,
    type: z.literal(type),
    payload: userEventPayloads[type],
  });
}

type EnvelopeSchemas = { [T in UserEventType]: ReturnType<typeof envelopeSchemaFor<T>> };

/** One strict schema per event type: the envelope with that type's payload. */
export const userEventSchemas = Object.fromEntries(
  userEventTypes.map((type) => [type, envelopeSchemaFor(type)]),
) as unknown as EnvelopeSchemas;

export type UserEvent<T extends UserEventType = UserEventType> = {
  [K in T]: z.infer<EnvelopeSchemas[K]>;
}[T];

export interface NewUserEvent<T extends UserEventType> {
  type: T;
  userId: string;
  userVersion: number;
  correlationId: string;
  producer: string;
  payload: UserEventPayload<T>;
  /** Defaults to now; pass the commit time of the change when you have it. */
  occurredAt?: Date;
}

/**
 * Builds a validated event: fills id (UUIDv7), timestamp and schema version.
 * @example createUserEvent({ type: 'user.deleted', userId, userVersion: 3, correlationId, producer: 'auth-service', payload: { deletedAt } })
 */
export function createUserEvent<T extends UserEventType>(input: NewUserEvent<T>): UserEvent<T> {
  const candidate = {
    id: uuidv7(),
    type: input.type,
    schemaVersion: userEventSchemaVersions[input.type],
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    producer: input.producer,
    correlationId: input.correlationId,
    userId: input.userId,
    userVersion: input.userVersion,
    payload: input.payload,
  };
  return userEventSchemas[input.type].parse(candidate) as UserEvent<T>;
}

export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * Parses a message body strictly into a known event. Throws InvalidEventError for malformed
 * JSON, an unknown type or a body that does not match its schema: the caller lets such a
 * message fail so that it reaches the DLQ instead of being dropped.
 */
export function parseUserEvent(body: string | unknown): UserEvent {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      throw new InvalidEventError('message body is not JSON');
    }
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !isUserEventType(type)) {
    throw new InvalidEventError(`unknown event type: ${JSON.stringify(type ?? null)}`);
  }
  const result = userEventSchemas[type].safeParse(value);
  if (!result.success) {
    throw new InvalidEventError(
      `invalid ${type} event`,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return result.data as UserEvent;
}
