import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SigningKeys } from '../tokens';

const jwksResponse = z.object({
  keys: z.array(
    z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() }),
  ),
});

/** GET /.well-known/jwks.json: every public key that may verify a live access token. */
export function registerJwksRoute(app: FastifyInstance, { signingKeys: keys }: { signingKeys: SigningKeys }) {
  app.get(
    '/.well-known/jwks.json',
    { schema: { tags: ['keys'], response: { 200: jwksResponse } } },
    async (_request, reply) => {
      // Verifiers may cache briefly; a rotation adds the new key well before it signs.
      reply.header('cache-control', 'public, max-age=300');
      return { keys: keys.publicJwks as z.infer<typeof jwksResponse>['keys'] };
    },
  );
}
