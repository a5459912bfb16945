import type { EventTypesRoutedTo, UserEvent } from '@platform/shared/events';
import type { Mail } from './mailTransport';

/** The events of user-notifications: what the catalogue routes to that queue. */
export type MailEvent = UserEvent<EventTypesRoutedTo<'user-notifications'>>;
type MailType = MailEvent['type'];

/** What a mail says: a greeting, paragraphs, and at most one link (the action). */
interface MailContent {
  subject: string;
  paragraphs: string[];
  link?: { href: string; text: string };
  closing: string;
}

/**
 * A link carrying a one-time token to the page the auth-service serves for it (or a web app serving the
 * same paths), under PUBLIC_APP_URL and any path it has, and until when it works.
 */
function tokenMail(
  event: UserEvent<'user.email.verification.requested' | 'user.password.reset.requested'>,
  publicAppUrl: string,
  { path, subject, action, ignore }: { path: string; subject: string; action: string; ignore: string },
): MailContent {
  const link = new URL(path, publicAppUrl.endsWith('/') ? publicAppUrl : `${publicAppUrl}/`);
  link.searchParams.set('token', event.payload.token);
  return {
    subject,
    paragraphs: [`Open this link to ${action}:`],
    link: { href: link.href, text: `Click here to ${action}` },
    closing: `The link is valid until ${new Date(event.payload.expiresAt).toUTCString()} and works once.\n${ignore}`,
  };
}

/** One mail per event type; a type newly routed to user-notifications fails to compile until it has one. */
const templates: { [T in MailType]: (event: UserEvent<T>, publicAppUrl: string) => MailContent } = {
  'user.email.verification.requested': (event, url) =>
    tokenMail(event, url, {
      path: 'auth/email/verify',
      subject: 'Confirm your email address',
      action: 'confirm your email address',
      ignore: 'If you did not create an account, you can ignore this mail.',
    }),
  'user.password.reset.requested': (event, url) =>
    tokenMail(event, url, {
      path: 'auth/password/reset',
      subject: 'Reset your password',
      action: 'choose a new password',
      ignore: 'If you did not ask for this, ignore this mail: your password stays as it is.',
    }),
  // The owner learns what the client was not told: the address already has an account.
  'user.registration.attempted': (event) => ({
    subject: 'You already have an account',
    paragraphs: [
      `Someone tried to create an account with this email address on ${new Date(event.payload.attemptedAt).toUTCString()}. ` +
        'You already have one, so nothing was created.',
      'If it was you, sign in with this address; if you forgot your password, ask for a reset where you sign in.',
    ],
    closing: 'If it was not you, you can ignore this mail: your account is unchanged.',
  }),
};

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** The mail for an event of user-notifications, in text and HTML. */
export function mailFor(event: MailEvent, publicAppUrl: string): Mail {
  const render = templates[event.type] as (event: MailEvent, publicAppUrl: string) => MailContent;
  const { subject, paragraphs, link, closing } = render(event, publicAppUrl);
  const { displayName } = event.payload;
  const greeting = `Hello${displayName ? ` ${displayName}` : ''},`;
  const text = [greeting, '', ...paragraphs, ...(link ? [link.href] : []), '', closing, ''].join('\n');
  const html =
    `<p>${escapeHtml(greeting)}</p>` +
    paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('') +
    (link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a>.</p>` : '') +
    `<p>${closing.split('\n').map(escapeHtml).join('<br>')}</p>`;
  return { id: event.id, to: event.payload.email, subject, text, html };
}
