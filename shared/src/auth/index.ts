/** @platform/shared/auth: access token verification, Bearer authentication and ended sessions. */
export * from './accessToken';
export * from './bearerAuth';
export * from './sessionRevocations';
