import { randomBytes } from 'node:crypto';
import { createAwsClients } from '@platform/shared/aws';
import { failOnUndocumentedAnswers, provisionIsolatedTopology } from '@platform/shared/testing';
import { buildApp, type AuthAppDeps } from '../src/app';
import { authConfigFrom } from '../src/infrastructure/config';

/**
 * An auth-service on the real test database, Redis and SNS/SQS endpoint, publishing to its own
 * isolated topology. argon2 runs with a lower cost (1 MiB, t=1) to keep the suite fast;
 * production uses OWASP's parameters (the config defaults).
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    runOutboxRelay?: boolean;
    awsEndpoint?: string;
    /** Clients the test makes itself (a small pool, say); the test closes them. */
    deps?: Pick<AuthAppDeps, 'pool' | 'prisma' | 'redis'>;
  } = {},
) {
  const aws = options.awsEndpoint
    ? createAwsClients({ endpoint: options.awsEndpoint, maxAttempts: 1 })
    : createAwsClients();
  const topology = await provisionIsolatedTopology(aws);
  const config = authConfigFrom({
    NODE_ENV: 'test',
    TOPOLOGY_PREFIX: topology.prefix,
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    OUTBOX_RELAY_INTERVAL_MS: '200',
    // Tests choose their client IP with X-Forwarded-For.
    AUTH_TRUST_PROXY: 'true',
    ...options.env,
  });
  const app = await buildApp({ config, aws, runOutboxRelay: options.runOutboxRelay ?? false, ...options.deps });
  failOnUndocumentedAnswers(app);
  return {
    app,
    config,
    aws,
    topology,
    async close() {
      await app.close();
      await topology.destroy().catch(() => undefined);
      aws.destroy();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** A client IP of its own per test, so per-IP rate limits of one test do not touch another. */
export function randomIp(): string {
  const [a, b, c] = randomBytes(3);
  return `10.${a}.${b}.${(c! % 250) + 1}`;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.com`;
}

export const strongPassword = 'violet-harbour-lantern-42';

interface CallOptions {
  body?: unknown;
  token?: string;
  ip?: string;
  headers?: Record<string, string>;
}

/** One request through Fastify's inject (the whole HTTP pipeline, no socket), as a REST client would send it. */
export function call(
  t: Pick<TestApp, 'app'>,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  options: CallOptions = {},
) {
  return t.app.inject({
    method,
    url,
    headers: {
      'user-agent': 'auth-service-tests',
      'x-forwarded-for': options.ip ?? randomIp(),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

export type HttpResponse = Awaited<ReturnType<typeof call>>;

export interface Session {
  user: { id: string; email: string; roles: string[]; emailVerified: boolean };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Registers a fresh account through the API (fixture factory). */
export async function makeUser(
  app: Pick<TestApp, 'app'>,
  overrides: { email?: string; password?: string; displayName?: string } = {},
) {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? strongPassword;
  const response = await call(app, 'POST', '/auth/register', {
    body: { email, password, displayName: overrides.displayName },
  });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  return { email, password, session: response.json<Session>() };
}

/**
 * The one-time token of the latest mail event of a user, read from the outbox row before the relay
 * publishes it (the stand-in for reading the mail).
 */
export async function latestMailToken(
  t: TestApp,
  userId: string,
  type: 'user.email.verification.requested' | 'user.password.reset.requested',
) {
  const rows = await t.app.context.prisma.outboxEvent.findMany({
    where: { type },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  const row = rows.find((candidate) => (candidate.payload as { userId: string }).userId === userId);
  if (!row) throw new Error(`no ${type} event for ${userId}`);
  return (row.payload as { payload: { token: string } }).payload.token;
}

export async function outboxTypesOf(t: TestApp, userId: string) {
  const rows = await t.app.context.prisma.outboxEvent.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return rows.filter((row) => (row.payload as { userId: string }).userId === userId).map((row) => row.type);
}

/**
 * Runs `act` while no one can read or write `table` (ACCESS EXCLUSIVE, held by a transaction of the
 * test): a request that touches the table before answering cannot answer until `act` is over, so it
 * would wait, and the test would time out.
 */
export async function whileTableLocked<T>(t: Pick<TestApp, 'app'>, table: 'users', act: () => Promise<T>): Promise<T> {
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = t.app.context.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    },
    { timeout: 30_000 },
  );
  await Promise.race([isLocked, holder]);
  try {
    return await act();
  } finally {
    release();
    await holder;
  }
}
