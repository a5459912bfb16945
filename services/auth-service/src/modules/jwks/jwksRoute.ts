import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authRoute } from '../../infrastructure/routeDocs';
import type { SigningKeys } from '../tokens';

const jwksResponse = z
  .object({
    keys: z.array(
      z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() }),
    ),
  })
  .meta({
    id: 'JsonWebKeySet',
    description: 'Ed25519 public keys (EdDSA); during a rotation both the old and the new key',
    examples: [
      {
        keys: [
          {
            kty: 'OKP',
            crv: 'Ed25519',
            x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
            kid: '2026-11-key-1',
            alg: 'EdDSA',
            use: 'sig',
          },
        ],
      },
    ],
  });

/** GET /.well-known/jwks.json: every public key that may verify a live access token. */
export function registerJwksRoute(app: FastifyInstance, { signingKeys: keys }: { signingKeys: SigningKeys }) {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: authRoute({
        operationId: 'getJwks',
        summary: 'The public keys that verify access tokens (JWKS)',
        description: 'Cacheable for 5 minutes; a new key is published well before it signs.',
        tags: ['keys'],
        auth: 'public',
        response: { 200: jwksResponse },
      }),
    },
    async (_request, reply) => {
      // Verifiers may cache briefly; a rotation adds the new key well before it signs.
      reply.header('cache-control', 'public, max-age=300');
      return { keys: keys.publicJwks as z.infer<typeof jwksResponse>['keys'] };
    },
  );
}
