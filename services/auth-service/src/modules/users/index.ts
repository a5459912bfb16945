/** The user as every module reads it: the public view, lookups, and the active-user check. */
export * from './userView';
export * from './activeUser';
