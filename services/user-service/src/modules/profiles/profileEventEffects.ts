import type { EventTypesRoutedTo, UserEvent } from '@platform/shared/events';

/** The events of user-profile-events: what the catalogue routes to that queue. */
export type ProfileEvent = UserEvent<EventTypesRoutedTo<'user-profile-events'>>;
import type { Prisma } from '../../infrastructure/database';

type Tx = Prisma.TransactionClient;

export interface LockedProfile {
  id: string;
  status: 'active' | 'deactivated' | 'deleted';
  userVersion: number;
  statusVersion: number;
  emailVersion: number;
}

/*
 * Versions are kept per aspect (status, email) rather than one per profile: events change different
 * fields, and userVersion also grows for changes we never see. With a single version a late
 * email.verified (v2) would be dropped after a deactivation (v3) and the profile would stay
 * unverified forever; per aspect, both apply and any delivery order converges to the same row.
 */

/** The effect of every event but an erasure; false when the event is older than the state (ignored). */
export async function profileEventEffect(tx: Tx, profile: LockedProfile | null, event: ProfileEvent): Promise<boolean> {
  const version = event.userVersion;
  if (event.type === 'user.created') {
    // A profile exists already: this is an old event (the profile can only come from it or later).
    if (profile) return false;
    await tx.userProfile.create({
      data: {
        id: event.userId,
        email: event.payload.email,
        displayName: event.payload.displayName,
        emailVerified: event.payload.emailVerified,
        userVersion: version,
        statusVersion: version,
        emailVersion: version,
        preferences: { create: {} },
      },
    });
    return true;
  }
  // A tombstone is final: nothing after an erasure may bring personal data back.
  if (!profile || profile.status === 'deleted') return false;
  const userVersion = Math.max(profile.userVersion, version);

  switch (event.type) {
    case 'user.email.verified':
      if (version <= profile.emailVersion) return false;
      await tx.userProfile.update({
        where: { id: profile.id },
        data: { email: event.payload.email, emailVerified: true, emailVersion: version, userVersion },
      });
      return true;
    case 'user.deactivated':
    case 'user.reactivated':
      if (version <= profile.statusVersion) return false;
      await tx.userProfile.update({
        where: { id: profile.id },
        data: {
          status: event.type === 'user.deactivated' ? 'deactivated' : 'active',
          statusVersion: version,
          userVersion,
        },
      });
      return true;
    case 'user.deleted':
      // Erasure has its own path (eraseProfile); reaching here means the tombstone exists already.
      return false;
    default: {
      // Every type the catalogue routes to user-profile-events has a case: a new one fails to compile here.
      const unhandled: never = event;
      throw new Error(`no profile effect for ${(unhandled as UserEvent).type}`);
    }
  }
}

/**
 * user.deleted: erase personal data and shopping data, keep a tombstone that blocks later events.
 * Deletion is final in the auth-service, so it wins over any status event, whatever the versions.
 */
export async function eraseProfile(tx: Tx, profile: LockedProfile, event: UserEvent<'user.deleted'>): Promise<boolean> {
  if (profile.status === 'deleted') return false;
  const where = { userId: profile.id };
  await tx.address.deleteMany({ where });
  await tx.paymentMethod.deleteMany({ where });
  await tx.wishlistItem.deleteMany({ where });
  await tx.userPreferences.deleteMany({ where });
  await tx.userProfile.update({
    where: { id: profile.id },
    data: {
      email: null,
      displayName: null,
      phone: null,
      avatarUrl: null,
      emailVerified: false,
      status: 'deleted',
      deletedAt: new Date(event.payload.deletedAt),
      statusVersion: event.userVersion,
      emailVersion: event.userVersion,
      userVersion: Math.max(profile.userVersion, event.userVersion),
    },
  });
  return true;
}
