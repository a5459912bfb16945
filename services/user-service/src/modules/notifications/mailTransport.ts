import { mkdir, writeFile } from 'node:fs/promises';
import type { Logger } from '@platform/shared/logging';
import type { UserConfig } from '../../infrastructure/config';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface Mail {
  /** Stable per event, so a resent mail has the same Message-ID and file name. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where mails go. Implementations must not log a mail's body: it holds one-time tokens. */
export interface MailTransport {
  send(mail: Mail): Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise the folder transport in development and
 * test. Staging or production without SMTP_URL refuses to send: the mail events stay in the queue
 * and its DLQ (redrive once SMTP_URL is set) instead of vanishing into a folder nobody reads.
 */
export function createMailTransport(
  config: Pick<UserConfig, 'SMTP_URL' | 'MAIL_DIR' | 'MAIL_FROM' | 'NODE_ENV'>,
  logger: Logger,
): MailTransport {
  if (config.SMTP_URL) return createSmtpMailTransport(config.SMTP_URL, config.MAIL_FROM);
  if (config.NODE_ENV === 'development' || config.NODE_ENV === 'test')
    return createFolderMailTransport(config.MAIL_DIR, config.MAIL_FROM, logger);
  return {
    send: () => Promise.reject(new Error('no mail transport: SMTP_URL is not set')),
  };
}

export function createSmtpMailTransport(smtpUrl: string, from: string): MailTransport {
  // Bounded timeouts: a send must end well within the inbox lease (see notificationInbox.ts).
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdOf(mail),
      });
    },
    close: () => transporter.close(),
  };
}

/**
 * Development: each mail becomes `<dir>/<mail id>.eml` (open it in any mail client) plus a `.txt`
 * with the plain text, whose links can be copied as they are (the .eml is quoted-printable). Files
 * are named by the event id, so a redelivered event overwrites its own mail instead of adding one.
 * The log line names the file, never the token inside it.
 */
export function createFolderMailTransport(dir: string, from: string, logger: Logger): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await composer.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdOf(mail),
      });
      await mkdir(dir, { recursive: true });
      const file = path.resolve(dir, `${mail.id}.eml`);
      await writeFile(file, info.message as Buffer);
      await writeFile(file.replace(/\.eml$/, '.txt'), `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`);
      logger.info({ mailId: mail.id, file, subject: mail.subject }, 'mail written to the development mail folder');
    },
  };
}

function messageIdOf(mail: Mail): string {
  return `<${mail.id}@user-platform>`;
}
