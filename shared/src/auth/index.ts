/** @platform/shared/auth: access token verification and Bearer authentication. */
export * from './accessToken';
export * from './bearerAuth';
