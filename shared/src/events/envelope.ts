import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { isUserEventType, userEvents, userEventTypes, type UserEventPayload, type UserEventType } from './catalogue';

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

/** What a producer may send: exactly the envelope and the catalogue's payload, nothing more. */
function producerSchemaFor<T extends UserEventType>(type: T) {
  return z.strictObject({
    ...envelopeFields,
    type: z.literal(type),
    payload: z.strictObject(userEvents[type].payload),
  });
}

/**
 * What a consumer accepts (a tolerant reader): the same fields and rules, but fields it does not
 * know are dropped, not refused, so a producer can add one (an additive change) before every
 * consumer knows it, and no consumer sends such an event to its DLQ.
 */
function consumerSchemaFor<T extends UserEventType>(type: T) {
  return z.object({
    ...envelopeFields,
    type: z.literal(type),
    payload: z.object(userEvents[type].payload),
  });
}

// Typed loosely: zod cannot infer a payload from a generic index; UserEvent below is the precise type.
type EventSchemas = Record<UserEventType, z.ZodType>;

/** One strict schema per event type: the envelope with that type's payload, as producers write it. */
export const userEventSchemas = Object.fromEntries(
  userEventTypes.map((type) => [type, producerSchemaFor(type)]),
) as unknown as EventSchemas;

const userEventReaders = Object.fromEntries(
  userEventTypes.map((type) => [type, consumerSchemaFor(type)]),
) as unknown as EventSchemas;

/** An event of type T (or any of the union): the envelope's fields, its type, and that type's payload. */
export type UserEvent<T extends UserEventType = UserEventType> = {
  [K in T]: z.infer<z.ZodObject<typeof envelopeFields>> & { type: K; payload: UserEventPayload<K> };
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
    schemaVersion: userEvents[input.type].schemaVersion,
    occurredAt: (input.occurredAt ?? new Date()).toISOString(),
    producer: input.producer,
    correlationId: input.correlationId,
    userId: input.userId,
    userVersion: input.userVersion,
    payload: input.payload,
  };
  return userEventSchemas[input.type].parse(candidate) as unknown as UserEvent<T>;
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
 * Parses a message body into a known event, reading tolerantly: fields the catalogue does not name
 * are dropped. Throws InvalidEventError for malformed JSON, an unknown type, or a missing or invalid
 * field: such a message can never succeed, and the caller sends it to the DLQ instead of dropping it.
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
  const result = userEventReaders[type].safeParse(value);
  if (!result.success) {
    throw new InvalidEventError(
      `invalid ${type} event`,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return result.data as unknown as UserEvent;
}
