/** Sessions: issuing an access + refresh token pair, and the rotating refresh-token families. */
export * from './issueSession';
export * from './refreshTokens';
export * from './endSessions';
