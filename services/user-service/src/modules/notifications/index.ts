/** Mails caused by events (verification, password reset): the queue handler and the transports. */
export { createNotificationHandler } from './notificationHandler';
export * from './mailTransport';
