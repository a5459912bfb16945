import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { asQueueMessage, buildTestApp, createMailbox, makeEvent } from '../../../test/testApp';
import { createFolderMailTransport } from './mailTransport';
import { createNotificationHandler } from './notificationHandler';
import path from 'node:path';
import pino from 'pino';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.app.close());

const handlerWith = (mailTransport: ReturnType<typeof createMailbox>) =>
  createNotificationHandler({
    prisma: t.app.context.prisma,
    mailTransport,
    config: { PUBLIC_APP_URL: 'https://shop.example.test/app' },
    logger: pino({ level: 'silent' }),
  });

describe('notification consumer', () => {
  it('turns a verification request into a mail with a link carrying the token', async () => {
    const mailbox = createMailbox();
    const event = makeEvent('user.email.verification.requested', randomUUID(), 2, { displayName: 'Ada' });
    expect(await handlerWith(mailbox)(asQueueMessage(event))).toEqual({ action: 'acknowledge', outcome: 'sent' });
    expect(mailbox.mails).toHaveLength(1);
    const [mail] = mailbox.mails;
    expect(mail).toMatchObject({ id: event.id, to: event.payload.email, subject: 'Confirm your email address' });
    // Under the base URL's own path: the auth-service's page (or a web app's at the same path).
    expect(mail!.text).toContain(`https://shop.example.test/app/auth/email/verify?token=${event.payload.token}`);
    expect(await t.app.context.prisma.eventLog.findUnique({ where: { eventId: event.id } })).toMatchObject({
      status: 'processed',
    });
  });

  it('tells the owner of a taken email that someone tried to register with it, with no token', async () => {
    const mailbox = createMailbox();
    const event = makeEvent('user.registration.attempted', randomUUID(), 3, { displayName: 'Grace' });
    expect(await handlerWith(mailbox)(asQueueMessage(event))).toEqual({ action: 'acknowledge', outcome: 'sent' });
    const [mail] = mailbox.mails;
    expect(mail).toMatchObject({ id: event.id, to: event.payload.email, subject: 'You already have an account' });
    expect(mail!.text).toMatch(/^Hello Grace,/);
    expect(mail!.text).toContain('You already have one, so nothing was created.');
    expect(mail!.text).not.toContain('token=');
    expect(mail!.html).not.toContain('<a href=');
  });

  it('sends one mail per event even when SQS delivers it twice, or twice at once', async () => {
    const mailbox = createMailbox();
    const handle = handlerWith(mailbox);
    const reset = makeEvent('user.password.reset.requested', randomUUID(), 4);
    await handle(asQueueMessage(reset));
    expect(await handle(asQueueMessage(reset, 2))).toEqual({ action: 'acknowledge', outcome: 'duplicate' });

    const concurrent = makeEvent('user.password.reset.requested', randomUUID(), 4);
    const results = await Promise.all([handle(asQueueMessage(concurrent)), handle(asQueueMessage(concurrent))]);
    // The loser sees either the lease (retry later) or the finished send (duplicate): never a second mail.
    expect(results).toContainEqual({ action: 'acknowledge', outcome: 'sent' });
    expect(results.filter((r) => r.action === 'acknowledge' && r.outcome === 'sent')).toHaveLength(1);
    expect(mailbox.mails.map((mail) => mail.id)).toEqual([reset.id, concurrent.id]);
  });

  it('a failed send is retried and the next delivery sends it', async () => {
    const mailbox = createMailbox();
    const handle = handlerWith(mailbox);
    const event = makeEvent('user.email.verification.requested', randomUUID(), 2);
    mailbox.failNext(new Error('SMTP 421 try later'));
    expect(await handle(asQueueMessage(event))).toEqual({
      action: 'retry',
      reason: 'mail transport failed: SMTP 421 try later',
    });
    expect(await t.app.context.prisma.eventLog.findUnique({ where: { eventId: event.id } })).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('421'),
    });
    expect(await handle(asQueueMessage(event, 2))).toEqual({ action: 'acknowledge', outcome: 'sent' });
    expect(mailbox.mails).toHaveLength(1);
  });

  it('the development transport writes one .eml file per event and logs its path, never the token', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mail-'));
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const transport = createFolderMailTransport(dir, 'Shop <no-reply@example.test>', logger);
    const event = makeEvent('user.password.reset.requested', randomUUID(), 2);
    const handle = createNotificationHandler({
      prisma: t.app.context.prisma,
      mailTransport: transport,
      config: { PUBLIC_APP_URL: 'https://shop.example.test' },
      logger,
    });
    try {
      await handle(asQueueMessage(event));
      const files = await readdir(dir);
      expect(files.sort()).toEqual([`${event.id}.eml`, `${event.id}.txt`]);
      expect(await readFile(path.join(dir, `${event.id}.txt`), 'utf8')).toContain(
        `https://shop.example.test/auth/password/reset?token=${event.payload.token}`,
      );
      const eml = await readFile(path.join(dir, files[0]!), 'utf8');
      expect(eml).toContain('Subject: Reset your password');
      expect(eml).toContain(event.payload.token.slice(0, 20));
      expect(lines.join('\n')).toContain(files[0]);
      expect(lines.join('\n')).not.toContain(event.payload.token);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a message that is not a mail event is rejected (to the DLQ at once), never dropped', async () => {
    const result = await handlerWith(createMailbox())(asQueueMessage(makeEvent('user.created', randomUUID(), 1)));
    expect(result).toEqual({
      action: 'reject',
      reason: 'event type user.created does not belong on user-notifications',
    });
  });
});
