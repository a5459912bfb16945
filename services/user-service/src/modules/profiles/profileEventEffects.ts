import type { EventTypesRoutedTo, UserEvent } from '@platform/shared/events';

/** The events of user-profile-events: what the catalogue routes to that queue. */
export type ProfileEvent = UserEvent<EventTypesRoutedTo<'user-profile-events'>>;

/** The columns of a profile that events own (the user's own edits — phone, avatar, display name — are not here). */
export interface ProfileState {
  id: string;
  email: string | null;
  displayName: string | null;
  emailVerified: boolean;
  status: 'active' | 'deactivated' | 'deleted';
  userVersion: number;
  statusVersion: number;
  emailVersion: number;
  deletedAt: Date | null;
}

export type ProfileEventOutcome = 'applied' | 'stale' | 'profile-missing';

/**
 * What one event does to a profile: a pure function of the current state (null: no row) and the
 * event, so that applying a user's events in userVersion order gives the same row whatever order
 * they were delivered in. `erase` asks to delete the user's personal and shopping data.
 *
 * Versions are kept per aspect (status, email) rather than one per profile: events change different
 * fields, and userVersion also grows for changes we never see. With a single version a late
 * email.verified (v2) would be dropped after a deactivation (v3) and the profile would stay
 * unverified forever; per aspect, both apply and any delivery order converges to the same row.
 *
 * A deletion is final. It wins over any status event whatever the versions, and a deletion of a
 * profile not created yet leaves a tombstone at its version, so the late user.created is ignored
 * and no personal data ever comes back.
 */
export function profileEventEffect(
  profile: ProfileState | null,
  event: ProfileEvent,
): { outcome: ProfileEventOutcome; state: ProfileState | null; erase?: boolean } {
  const version = event.userVersion;
  const unchanged = (outcome: ProfileEventOutcome) => ({ outcome, state: profile });

  if (event.type === 'user.deleted') {
    if (profile?.status === 'deleted') return unchanged('stale');
    const tombstone: ProfileState = {
      id: event.userId,
      email: null,
      displayName: null,
      emailVerified: false,
      status: 'deleted',
      userVersion: Math.max(profile?.userVersion ?? version, version),
      statusVersion: version,
      emailVersion: version,
      deletedAt: new Date(event.payload.deletedAt),
    };
    return { outcome: 'applied', state: tombstone, erase: profile !== null };
  }
  if (event.type === 'user.created') {
    // A profile (or tombstone) exists already: this is an old event; the row came from it or later.
    if (profile) return unchanged('stale');
    return {
      outcome: 'applied',
      state: {
        id: event.userId,
        email: event.payload.email,
        displayName: event.payload.displayName,
        emailVerified: event.payload.emailVerified,
        status: 'active',
        userVersion: version,
        statusVersion: version,
        emailVersion: version,
        deletedAt: null,
      },
    };
  }
  if (!profile) return unchanged('profile-missing');
  if (profile.status === 'deleted') return unchanged('stale');
  const userVersion = Math.max(profile.userVersion, version);

  switch (event.type) {
    case 'user.email.verified':
      if (version <= profile.emailVersion) return unchanged('stale');
      return {
        outcome: 'applied',
        state: { ...profile, email: event.payload.email, emailVerified: true, emailVersion: version, userVersion },
      };
    case 'user.deactivated':
    case 'user.reactivated':
      if (version <= profile.statusVersion) return unchanged('stale');
      return {
        outcome: 'applied',
        state: {
          ...profile,
          status: event.type === 'user.deactivated' ? 'deactivated' : 'active',
          statusVersion: version,
          userVersion,
        },
      };
    default: {
      // Every type the catalogue routes to user-profile-events has a case: a new one fails to compile here.
      const unhandled: never = event;
      throw new Error(`no profile effect for ${(unhandled as UserEvent).type}`);
    }
  }
}
