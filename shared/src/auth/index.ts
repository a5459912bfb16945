/** @platform/shared/auth: access token verification (and its cache), Bearer authentication and ended sessions. */
export * from './accessToken';
export * from './bearerAuth';
export * from './sessionRevocations';
export * from './VerifiedTokenCache';
