import { acceptQueuedEvent, acknowledge, type QueueMessageHandler, retryLater } from '@platform/shared/messaging';
import type { Logger } from '@platform/shared/logging';
import { withSpan } from '@platform/shared/tracing';
import type { UserConfig } from '../../infrastructure/config';
import type { Database } from '../../infrastructure/database';
import { mailFor } from './mailTemplates';
import type { MailTransport } from './mailTransport';
import { claimNotification, markNotificationFailed, markNotificationSent } from './notificationInbox';

interface Deps {
  prisma: Database;
  mailTransport: MailTransport;
  config: Pick<UserConfig, 'PUBLIC_APP_URL'>;
  logger: Logger;
}

/** The handler core of user-notifications: one mail per event, even when SQS delivers it twice. */
export function createNotificationHandler({ prisma, mailTransport, config, logger }: Deps): QueueMessageHandler {
  return async (message) => {
    const accepted = acceptQueuedEvent('user-notifications', message, logger);
    if (!accepted.accepted) return accepted.result;
    const { event, log } = accepted;

    const claim = await claimNotification(prisma, event);
    if (claim === 'duplicate') {
      log.info('mail already sent for this event; duplicate delivery acknowledged');
      return acknowledge('duplicate');
    }
    if (claim === 'busy') return retryLater('another delivery of this event is sending its mail');
    try {
      await withSpan('send mail', { attributes: { 'event.type': event.type } }, () =>
        mailTransport.send(mailFor(event, config.PUBLIC_APP_URL)),
      );
    } catch (error) {
      const reason = `mail transport failed: ${error instanceof Error ? error.message : String(error)}`;
      await markNotificationFailed(prisma, event.id, reason);
      log.warn({ err: error }, 'sending the mail failed; it will be retried');
      return retryLater(reason);
    }
    await markNotificationSent(prisma, event.id);
    log.info('mail sent');
    return acknowledge('sent');
  };
}
