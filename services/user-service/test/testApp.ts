import { randomUUID } from 'node:crypto';
import { createUserEvent, type UserEvent, type UserEventPayload, type UserEventType } from '@platform/shared/events';
import { parseConfig } from '@platform/shared/config';
import { handleOne, type HandlerObserver, type QueueMessage } from '@platform/shared/messaging';
import { failOnUndocumentedAnswers } from '@platform/shared/testing';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp, type UserAppDeps } from '../src/app';
import { userConfigSchema, type UserConfig } from '../src/infrastructure/config';
import type { Mail, MailTransport } from '../src/modules/notifications';

export const TEST_ISSUER = 'http://auth.test';

/**
 * The test database: USER_DATABASE_URL from globalSetup, else user_test on the test server
 * (migrated with `USER_DATABASE_URL=… npm run db:migrate -- --service user-service`).
 */
export function testDatabaseUrl(): string {
  if (process.env.USER_DATABASE_URL) return process.env.USER_DATABASE_URL;
  const server = new URL(process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  server.pathname = '/user_test';
  return server.toString();
}

export function testConfig(overrides: Partial<Record<keyof UserConfig, string>> = {}): UserConfig {
  return parseConfig(userConfigSchema, {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    USER_DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    AUTH_ISSUER: TEST_ISSUER,
    ...overrides,
  });
}

/** An Ed25519 signing key served as a local JWKS, and tokens signed with it. */
export async function createTestSigner() {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' };
  return {
    /** The public key as a JWKS serves it. */
    jwk,
    keys: createLocalJWKSet({ keys: [jwk] }),
    /** An access token as the auth-service issues it; `sessionId` becomes its `sid` claim. */
    tokenFor: (userId: string, roles: string[] = ['user'], sessionId?: string) =>
      new SignJWT({ roles, ...(sessionId ? { sid: sessionId } : {}) })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key' })
        .setSubject(userId)
        .setIssuer(TEST_ISSUER)
        .setAudience('user-platform-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
  };
}

/** Collects mails in memory; `next()` resolves with the next mail sent (no sleeping in tests). */
export function createMailbox(): MailTransport & { mails: Mail[]; failNext(error: Error): void } {
  const mails: Mail[] = [];
  let failure: Error | undefined;
  return {
    mails,
    failNext: (error) => (failure = error),
    async send(mail) {
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      mails.push(mail);
    },
  };
}

export interface TestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
}

/** The app, called through Fastify's inject: the whole HTTP pipeline without a socket. */
export async function buildTestApp(
  deps: Partial<UserAppDeps> & { env?: Partial<Record<keyof UserConfig, string>> } = {},
) {
  const signer = await createTestSigner();
  const { env, ...rest } = deps;
  const app = await buildApp({
    config: testConfig(env),
    accessTokenKeys: signer.keys,
    mailTransport: createMailbox(),
    ...rest,
  });
  failOnUndocumentedAnswers(app);
  const inject = ({ method, url, headers = {}, payload }: TestRequest) =>
    app.inject({
      method,
      url,
      headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
  return { app, inject, ...signer };
}

type Payloads = { [T in UserEventType]: Partial<UserEventPayload<T>> };

const defaultPayloads = (userId: string): { [T in UserEventType]: UserEventPayload<T> } => {
  const now = new Date().toISOString();
  const email = `u-${userId.slice(0, 8)}@example.test`;
  const token = `tok_${randomUUID()}${randomUUID()}`.replace(/-/g, '');
  return {
    'user.created': { email, displayName: 'Ada Lovelace', roles: ['user'], emailVerified: false },
    'user.email.verification.requested': { email, displayName: 'Ada Lovelace', token, expiresAt: now },
    'user.password.reset.requested': { email, displayName: null, token, expiresAt: now },
    'user.registration.attempted': { email, displayName: 'Ada Lovelace', attemptedAt: now },
    'user.email.verified': { email, verifiedAt: now },
    'user.deactivated': { deactivatedAt: now, reason: null },
    'user.reactivated': { reactivatedAt: now },
    'user.deleted': { deletedAt: now },
  };
};

/** A valid event of any type; fixtures are small typed factories. */
export function makeEvent<T extends UserEventType>(
  type: T,
  userId: string,
  userVersion: number,
  payload: Payloads[T] = {},
): UserEvent<T> {
  return createUserEvent({
    type,
    userId,
    userVersion,
    correlationId: `test-${randomUUID()}`,
    producer: 'auth-service',
    payload: { ...defaultPayloads(userId)[type], ...payload } as UserEventPayload<T>,
  });
}

export function asQueueMessage(event: UserEvent | string, receiveCount = 1): QueueMessage {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return {
    messageId: randomUUID(),
    body,
    receiveCount,
    attributes: typeof event === 'string' ? {} : { type: event.type },
  };
}

type TestApp = Awaited<ReturnType<typeof buildTestApp>>;

/** A user whose profile exists (made the real way, by user.created) and a token for them. */
export async function givenUser(
  t: TestApp,
  options: { roles?: string[]; status?: 'deactivated' | 'deleted'; displayName?: string } = {},
) {
  const userId = randomUUID();
  const handle = (message: QueueMessage) => handleOne(t.app.context.queueHandlers['user-profile-events'], message);
  const created = makeEvent('user.created', userId, 1, options.displayName ? { displayName: options.displayName } : {});
  const result = await handle(asQueueMessage(created));
  if (result.action !== 'acknowledge') throw new Error(`user.created was not applied: ${JSON.stringify(result)}`);
  if (options.status === 'deactivated') await handle(asQueueMessage(makeEvent('user.deactivated', userId, 2)));
  if (options.status === 'deleted') await handle(asQueueMessage(makeEvent('user.deleted', userId, 2)));
  const token = await t.tokenFor(userId, options.roles);
  return { userId, email: created.payload.email, token, auth: { authorization: `Bearer ${token}` } };
}

type HandledResult = Parameters<HandlerObserver>[0]['result'];

/**
 * Wraps an observer so a test can await the handling of a given event id (no sleeping):
 * `await spy.handled(event.id)` resolves with the result of the next delivery of that event.
 */
export function createObserverSpy(inner?: HandlerObserver) {
  const waiters = new Map<string, Array<(result: HandledResult) => void>>();
  const seen = new Map<string, HandledResult[]>();
  const observe: HandlerObserver = (observed) => {
    inner?.(observed);
    let eventId: string | undefined;
    try {
      eventId = (JSON.parse(observed.message.body) as { id?: string }).id;
    } catch {
      eventId = observed.message.body;
    }
    if (eventId) seen.set(eventId, [...(seen.get(eventId) ?? []), observed.result]);
    const pending = eventId ? waiters.get(eventId) : undefined;
    if (pending?.length) pending.shift()!(observed.result);
  };
  /** Every result observed so far for an event id (or a raw body). */
  const results = (eventId: string) => seen.get(eventId) ?? [];
  const handled = (eventId: string, timeoutMs = 15_000) =>
    new Promise<HandledResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`event ${eventId} was not handled within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const list = waiters.get(eventId) ?? [];
      list.push((result) => {
        clearTimeout(timer);
        resolve(result);
      });
      waiters.set(eventId, list);
    });
  return { observe, handled, results };
}
