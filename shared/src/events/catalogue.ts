import { z } from 'zod';

/**
 * Payload schemas of every user event, keyed by event type.
 * Changes are additive and bump `schemaVersion`; a breaking change gets a new event type.
 */
const email = z.email().max(254);
const isoDateTime = z.iso.datetime({ offset: true });

export const userEventPayloads = {
  'user.created': z.strictObject({
    email,
    displayName: z.string().max(100).nullable(),
    roles: z.array(z.string()).min(1),
    emailVerified: z.boolean(),
  }),
  'user.email.verification.requested': z.strictObject({
    email,
    displayName: z.string().max(100).nullable(),
    /** One-time token, delivered only by mail; never log it. */
    token: z.string().min(32),
    expiresAt: isoDateTime,
  }),
  'user.password.reset.requested': z.strictObject({
    email,
    displayName: z.string().max(100).nullable(),
    /** One-time token, delivered only by mail; never log it. */
    token: z.string().min(32),
    expiresAt: isoDateTime,
  }),
  'user.email.verified': z.strictObject({
    email,
    verifiedAt: isoDateTime,
  }),
  'user.deactivated': z.strictObject({
    deactivatedAt: isoDateTime,
    reason: z.string().max(500).nullable(),
  }),
  'user.reactivated': z.strictObject({
    reactivatedAt: isoDateTime,
  }),
  /** Erasure: consumers delete the user's personal data and keep only a tombstone. */
  'user.deleted': z.strictObject({
    deletedAt: isoDateTime,
  }),
} as const;

export type UserEventType = keyof typeof userEventPayloads;
export type UserEventPayload<T extends UserEventType> = z.infer<(typeof userEventPayloads)[T]>;

export const userEventTypes = Object.keys(userEventPayloads) as UserEventType[];

/** Current schema version of each event type; bump on an additive change. */
export const userEventSchemaVersions: Record<UserEventType, number> = {
  'user.created': 1,
  'user.email.verification.requested': 1,
  'user.password.reset.requested': 1,
  'user.email.verified': 1,
  'user.deactivated': 1,
  'user.reactivated': 1,
  'user.deleted': 1,
};

export function isUserEventType(value: string): value is UserEventType {
  return Object.hasOwn(userEventPayloads, value);
}
