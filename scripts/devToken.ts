/**
 * npm run dev:token -- --user <id|email> [--role admin] [--ttl 3600]
 * Mints an access token for a user of auth_db, signed with the development key the running
 * auth-service uses (services/auth-service/.dev/signing-key.json, or AUTH_SIGNING_KEYS), valid on
 * both services. The token alone goes to stdout: TOKEN=$(npm run --silent dev:token -- --user ada@example.com)
 * Refuses unless NODE_ENV is development or test.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { roleSchema, type Role } from '@platform/shared/auth';
import { loadDotenv, parseConfig } from '@platform/shared/config';
import { authConfigSchema } from '../services/auth-service/src/infrastructure/config';
import { Pool } from 'pg';
import { createPrisma } from '../services/auth-service/src/infrastructure/database';
import { createAccessTokens, loadSigningKeys } from '../services/auth-service/src/modules/tokens';
import { findUserByEmail, findUserById, rolesOf } from '../services/auth-service/src/modules/users';
import { consoleIo, runCli, type Io } from './db/cli';

const USAGE = 'usage: npm run dev:token -- --user <id|email> [--role admin] [--ttl <seconds>]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Mints the token; returns the exit code. `env` is the configuration (the environment and .env). */
export function mintDevToken(argv: string[], io: Io = consoleIo, env = process.env): Promise<number> {
  return runCli('dev:token', io, async () => {
    const { values } = parseArgs({
      args: argv,
      options: { user: { type: 'string' }, role: { type: 'string', multiple: true }, ttl: { type: 'string' } },
      strict: true,
    });
    if (!values.user) throw new Error(`--user is required (${USAGE})`);
    const nodeEnv = env.NODE_ENV ?? 'development';
    if (nodeEnv !== 'development' && nodeEnv !== 'test')
      throw new Error(`refusing to mint a token with NODE_ENV=${nodeEnv}: dev:token is for development only`);
    const roles = (values.role ?? []).flatMap((role) => role.split(',')).map((role) => roleSchema.parse(role));
    const ttlSeconds = Number(values.ttl ?? 3600);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 86_400)
      throw new Error('--ttl: whole seconds from 60 to 86400');

    const config = parseConfig(authConfigSchema, { ...env, NODE_ENV: nodeEnv });
    const pool = new Pool({ connectionString: config.AUTH_DATABASE_URL, max: 1 });
    const prisma = createPrisma(pool, config);
    try {
      const user = UUID.test(values.user)
        ? await findUserById(prisma, values.user)
        : await findUserByEmail(prisma, values.user);
      if (!user) throw new Error(`no user ${values.user} in auth_db`);
      if (user.status !== 'active')
        io.err(`note: ${values.user} is ${user.status}; the services refuse most of its requests`);
      const granted = [...new Set<Role>(['user', ...roles])];
      const stored = rolesOf(user);
      const missing = granted.filter((role) => !stored.includes(role));
      if (missing.length)
        io.err(
          `note: auth_db does not give ${values.user} the role ${missing.join(', ')}: the user-service trusts the ` +
            "token's roles, the auth-service's admin routes check auth_db too (PUT /admin/users/{id}/roles grants it)",
        );
      const tokens = createAccessTokens({
        keys: await loadSigningKeys(config),
        issuer: config.AUTH_ISSUER,
        ttlSeconds,
      });
      const token = await tokens.issue({ id: user.id, roles: granted, sessionId: `dev-token-${randomUUID()}` });
      io.err(
        `access token for ${user.email ?? user.id} (${user.id}), roles ${granted.join(', ')}, ` +
          `valid ${ttlSeconds} s (until ${new Date(Date.now() + ttlSeconds * 1000).toISOString()}):`,
      );
      io.out(token);
      return 0;
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  });
}

if (require.main === module) {
  loadDotenv();
  void mintDevToken(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
