/**
 * The bare baseline of the read rows of `npm run bench`, run as a child process like the service it
 * is compared with (`node --import tsx bench/bareServer.ts '<json>'`): Fastify with no logger, no
 * hooks and no schemas, one ioredis client and one node-postgres pool, nothing of the services' code.
 * - GET /cached/:id: Redis GET of `user:id:<id>`, the stored JSON sent as it is.
 * - GET /miss/:id: the same GET (a miss), then a SELECT of the profile row, the JSON the
 *   user-service caches, and a SET with the same TTL.
 * Prints `{"listening":port}` on stdout once it serves.
 */
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { Pool } from 'pg';

interface BareServerOptions {
  port: number;
  redisUrl: string;
  databaseUrl: string;
  /** The user-service's pool size in production, so both have as many connections. */
  poolSize: number;
  ttlSeconds: number;
}

interface ProfileRow {
  id: string;
  email: string | null;
  display_name: string | null;
  phone: string | null;
  avatar_url: string | null;
  email_verified: boolean;
  status: string;
  created_at: Date;
  updated_at: Date;
}

async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as BareServerOptions;
  const redis = new Redis(options.redisUrl);
  const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  const app = Fastify({ logger: false });
  const key = (id: string) => `user:id:${id}`;

  app.get<{ Params: { id: string } }>('/cached/:id', async (request, reply) => {
    const cached = await redis.get(key(request.params.id));
    if (cached === null) return reply.code(404).send({ error: 'not cached' });
    return reply.type('application/json').send(cached);
  });

  app.get<{ Params: { id: string } }>('/miss/:id', async (request, reply) => {
    const { id } = request.params;
    const cached = await redis.get(key(id));
    if (cached !== null) return reply.type('application/json').send(cached);
    const { rows } = await pool.query<ProfileRow>(
      `SELECT id, email, display_name, phone, avatar_url, email_verified, status::text AS status, created_at, updated_at
       FROM user_profiles WHERE id = $1::uuid`,
      [id],
    );
    const row = rows[0];
    if (!row) return reply.code(404).send({ error: 'no profile' });
    const json = JSON.stringify({
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      phone: row.phone,
      avatarUrl: row.avatar_url,
      emailVerified: row.email_verified,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    });
    await redis.set(key(id), json, 'EX', options.ttlSeconds);
    return reply.type('application/json').send(json);
  });

  const close = () => {
    void app
      .close()
      .then(() => Promise.all([redis.quit(), pool.end()]))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen({ port: options.port, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ listening: options.port })}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
