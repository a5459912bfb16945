/** The public keys of the access tokens (GET /.well-known/jwks.json). */
export { registerJwksRoute } from './jwksRoute';
