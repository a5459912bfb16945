import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/** A mail the system sent, as a person reading it would see it. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
}

/** Where the scenario reads the system's mails: an SMTP sink, or the development mail folder. */
export interface Mailbox {
  /**
   * Waits until the `nth` (0-based, in the order sent; default 0) mail to `to` whose subject matches
   * has arrived, and returns it.
   */
  waitFor(to: string, subject: RegExp, options?: { timeoutMs?: number; nth?: number }): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const POLL_MS = 100;

async function pollFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Quoted-printable text body of a MIME mail (what nodemailer sends for plain text with long lines).
 * Written here because mailparser, which does this fully, cannot be installed from this registry
 * (one of its dependencies is missing); the system's own mails are all we parse.
 */
export function plainTextOf(raw: string): { to: string; subject: string; text: string } {
  const unfolded = raw.replace(/\r\n/g, '\n');
  const headerEnd = unfolded.indexOf('\n\n');
  const headers = unfolded.slice(0, headerEnd).replace(/\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1]?.trim() ?? '';
  const boundary = /boundary="?([^";\n]+)"?/i.exec(headers)?.[1];
  let part = unfolded.slice(headerEnd + 2);
  let partHeaders = headers;
  if (boundary) {
    const parts = part.split(`--${boundary}`).slice(1);
    const textPart = parts.find((p) => /content-type:\s*text\/plain/i.test(p.slice(0, p.indexOf('\n\n')))) ?? '';
    const split = textPart.indexOf('\n\n');
    partHeaders = textPart.slice(0, split);
    part = textPart.slice(split + 2);
  }
  let text = part;
  if (/content-transfer-encoding:\s*quoted-printable/i.test(partHeaders)) {
    text = part
      .replace(/=\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    text = Buffer.from(text, 'latin1').toString('utf8');
  } else if (/content-transfer-encoding:\s*base64/i.test(partHeaders)) {
    text = Buffer.from(part.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { to: header('To'), subject: header('Subject'), text: text.trim() };
}

/** An SMTP server on loopback that keeps every mail in memory; SMTP_URL=smtp://127.0.0.1:<port>. */
export async function startSmtpSink(port = 0): Promise<Mailbox & { url: string; port: number }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push(plainTextOf(Buffer.concat(chunks).toString('utf8')));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  const address = server.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `smtp://127.0.0.1:${boundPort}`,
    port: boundPort,
    waitFor(to, subject, options = {}) {
      return pollFor(`a mail to ${to} with subject ${subject}`, options.timeoutMs ?? 20_000, async () =>
        mails.filter((m) => m.to.includes(to) && subject.test(m.subject)).at(options.nth ?? 0),
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The development folder transport's output (MAIL_DIR): one `<id>.txt` per mail, "To:" and "Subject:" first. */
export function folderMailbox(dir: string): Mailbox {
  return {
    waitFor(to, subject, options = {}) {
      return pollFor(`a mail to ${to} with subject ${subject} in ${dir}`, options.timeoutMs ?? 20_000, async () => {
        const names = await readdir(dir).catch(() => [] as string[]);
        const found: Array<ReceivedMail & { order: string }> = [];
        for (const name of names.filter((n) => n.endsWith('.txt'))) {
          const content = await readFile(path.join(dir, name), 'utf8');
          const [head = '', ...body] = content.split('\n\n');
          const mailTo = /^To: (.*)$/m.exec(head)?.[1] ?? '';
          const mailSubject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
          // File names are the event ids (UUIDv7): they sort by time.
          if (mailTo.includes(to) && subject.test(mailSubject))
            found.push({ to: mailTo, subject: mailSubject, text: body.join('\n\n'), order: name });
        }
        found.sort((a, b) => a.order.localeCompare(b.order));
        return found.at(options.nth ?? 0);
      });
    },
    close: async () => undefined,
  };
}
