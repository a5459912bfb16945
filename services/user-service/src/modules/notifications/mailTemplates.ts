import type { EventTypesRoutedTo, UserEvent } from '@platform/shared/events';
import type { Mail } from './mailTransport';

/** The events of user-notifications: what the catalogue routes to that queue. */
export type MailEvent = UserEvent<EventTypesRoutedTo<'user-notifications'>>;

/** One mail per event type; a type newly routed to user-notifications fails to compile until it has one. */
const mails: Record<MailEvent['type'], { path: string; subject: string; action: string; ignore: string }> = {
  'user.email.verification.requested': {
    path: 'auth/email/verify',
    subject: 'Confirm your email address',
    action: 'confirm your email address',
    ignore: 'If you did not create an account, you can ignore this mail.',
  },
  'user.password.reset.requested': {
    path: 'auth/password/reset',
    subject: 'Reset your password',
    action: 'choose a new password',
    ignore: 'If you did not ask for this, ignore this mail: your password stays as it is.',
  },
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/**
 * The mail for a verification or reset event: a link carrying the one-time token to the page the
 * auth-service serves for it (or a web app serving the same paths), under PUBLIC_APP_URL and any path it has.
 */
export function mailFor(event: MailEvent, publicAppUrl: string): Mail {
  const { email, displayName, token, expiresAt } = event.payload;
  const { path, subject, action, ignore } = mails[event.type];
  const link = new URL(path, publicAppUrl.endsWith('/') ? publicAppUrl : `${publicAppUrl}/`);
  link.searchParams.set('token', token);
  const greeting = `Hello${displayName ? ` ${displayName}` : ''},`;
  const expiry = `The link is valid until ${new Date(expiresAt).toUTCString()} and works once.`;
  return {
    id: event.id,
    to: email,
    subject,
    text: `${greeting}\n\nOpen this link to ${action}:\n${link.href}\n\n${expiry}\n${ignore}\n`,
    html:
      `<p>${escapeHtml(greeting)}</p><p><a href="${escapeHtml(link.href)}">Click here to ${action}</a>.</p>` +
      `<p>${escapeHtml(expiry)}<br>${escapeHtml(ignore)}</p>`,
  };
}
