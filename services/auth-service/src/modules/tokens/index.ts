/** Tokens: signing keys, access tokens, opaque and one-time tokens. */
export * from './accessTokens';
export * from './signingKeys';
export * from './opaqueTokens';
export * from './oneTimeTokens';
