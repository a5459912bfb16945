/** The inbox: which events were applied, so that each takes effect once. */
export * from './inbox';
