import {
  acknowledge,
  InvalidEventError,
  parseUserEvent,
  retryLater,
  withCorrelationId,
  type Logger,
  type QueueMessageHandler,
} from '@platform/shared';
import type { UserConfig } from '../../infrastructure/config';
import type { Database } from '../../infrastructure/database';
import { mailFor, type MailEvent } from './mailTemplates';
import type { MailTransport } from './mailTransport';
import { claimNotification, markNotificationFailed, markNotificationSent } from './notificationInbox';

interface Deps {
  prisma: Database;
  mailTransport: MailTransport;
  config: Pick<UserConfig, 'PUBLIC_APP_URL'>;
  logger: Logger;
}

const isMailEvent = (event: { type: string }): event is MailEvent =>
  event.type === 'user.email.verification.requested' || event.type === 'user.password.reset.requested';

/** The handler core of user-notifications: one mail per event, even when SQS delivers it twice. */
export function createNotificationHandler({ prisma, mailTransport, config, logger }: Deps): QueueMessageHandler {
  return async (message) => {
    let event;
    try {
      event = parseUserEvent(message.body);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      // Issues name paths and rules, never values: the body may hold a token.
      logger.warn({ messageId: message.messageId, issues: error.issues }, `rejected message: ${error.message}`);
      return retryLater(`invalid event: ${error.message}`);
    }
    if (!isMailEvent(event)) return retryLater(`event type ${event.type} does not belong on this queue`);
    const log = withCorrelationId(logger, event.correlationId).child({
      eventId: event.id,
      type: event.type,
      userId: event.userId,
    });

    const claim = await claimNotification(prisma, event);
    if (claim === 'duplicate') {
      log.info('mail already sent for this event; duplicate delivery acknowledged');
      return acknowledge('duplicate');
    }
    if (claim === 'busy') return retryLater('another delivery of this event is sending its mail');
    try {
      await mailTransport.send(mailFor(event, config.PUBLIC_APP_URL));
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
