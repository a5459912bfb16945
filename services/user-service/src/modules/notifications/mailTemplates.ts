import type { UserEvent } from '@platform/shared/events';
import type { Mail } from './mailTransport';

export type MailEvent = UserEvent<'user.email.verification.requested' | 'user.password.reset.requested'>;

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** The mail for a verification or reset event: a link to the web app carrying the one-time token. */
export function mailFor(event: MailEvent, publicAppUrl: string): Mail {
  const { email, displayName, token, expiresAt } = event.payload;
  const verification = event.type === 'user.email.verification.requested';
  const link = new URL(verification ? '/verify-email' : '/reset-password', publicAppUrl);
  link.searchParams.set('token', token);
  const greeting = `Hello${displayName ? ` ${displayName}` : ''},`;
  const action = verification ? 'confirm your email address' : 'choose a new password';
  const ignore = verification
    ? 'If you did not create an account, you can ignore this mail.'
    : 'If you did not ask for this, ignore this mail: your password stays as it is.';
  const expiry = `The link is valid until ${new Date(expiresAt).toUTCString()} and works once.`;
  return {
    id: event.id,
    to: email,
    subject: verification ? 'Confirm your email address' : 'Reset your password',
    text: `${greeting}\n\nOpen this link to ${action}:\n${link.href}\n\n${expiry}\n${ignore}\n`,
    html:
      `<p>${escapeHtml(greeting)}</p><p><a href="${escapeHtml(link.href)}">Click here to ${action}</a>.</p>` +
      `<p>${escapeHtml(expiry)}<br>${escapeHtml(ignore)}</p>`,
  };
}
