/** The "one default per user" rule that addresses and payment methods share. */
export * from './oneDefaultPerUser';
