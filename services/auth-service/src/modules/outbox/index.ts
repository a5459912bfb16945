/** The transactional outbox: writing events in the caller's transaction, and relaying them to SNS. */
export * from './outboxWriter';
export * from './outboxRelay';
export * from './relayLoop';
