/**
 * The one end-to-end scenario every target runs: the whole account life cycle as a REST client sees
 * it, and the event plumbing as an operator sees it. It talks only HTTP to the two services, reads
 * the mails the system sent, and runs the project's own DLQ commands: nothing here knows how the
 * target was started.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { resolveQueue } from '@platform/shared/topology';
import { REPO_ROOT } from '../../scripts/db/databases';
import { apiClient, type ApiClient, type ApiResponse } from './apiClient';
import { checkApiReferences, httpGet } from './apiReference';
import { linkFromMail, submitMailLinkPage } from './mailLinkPage';
import type { RunningTarget } from './target';

export interface StepResult {
  name: string;
  ok: boolean;
  error?: string;
  ms: number;
}

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; roles: string[]; emailVerified: boolean };
}

const EVENT_TIMEOUT_MS = 60_000;
const DLQ_TIMEOUT_MS = 120_000;

/** Polls `probe` until it returns without throwing; rethrows its last error after the timeout. */
async function eventually<T>(what: string, probe: () => Promise<T>, timeoutMs = EVENT_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what}: not within ${timeoutMs} ms: ${error instanceof Error ? error.message : error}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function expectStatus(response: ApiResponse, status: number, what: string): void {
  assert.equal(response.status, status, `${what}: expected ${status}, got ${response.status} ${response.text}`);
}

function errorCode(response: ApiResponse): string | undefined {
  return (response.body as { error?: { code?: string } } | undefined)?.error?.code;
}

const tokenFromMail = (text: string) => linkFromMail(text).searchParams.get('token')!;

const execFileAsync = promisify(execFile);

/** `npm run <script> -- <args>` against the target's SNS/SQS endpoint, as an operator would type it. */
async function npmRun(script: string, args: string[], env: Record<string, string>): Promise<string> {
  const { stdout, stderr } = await execFileAsync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return `${stdout}${stderr}`;
}

/** http/*.http through httpyac's command line, against the target's URLs, as its bootstrap admin. */
async function runHttpCollections(target: RunningTarget): Promise<void> {
  const files = ['http/auth.http', 'http/user.http', 'http/admin.http'];
  const httpyac = path.join(REPO_ROOT, 'node_modules/httpyac/bin/httpyac.js');
  const args = ['send', ...files, '--all', '--output', 'none', '--output-failed', 'exchange', '--no-color'];
  try {
    await execFileAsync(
      process.execPath,
      [httpyac, ...args, '--var', `authUrl=${target.authUrl}`, `userUrl=${target.userUrl}`],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          AUTH_BOOTSTRAP_ADMIN_EMAIL: target.admin.email,
          AUTH_BOOTSTRAP_ADMIN_PASSWORD: target.admin.password,
        },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`httpyac: a request of ${files.join(', ')} failed:\n${`${stdout}${stderr}`.slice(-4000)}`);
  }
}

export async function runScenario(
  target: RunningTarget,
  { log, prefix }: { log: (message: string) => void; prefix: string },
): Promise<StepResult[]> {
  const auth = apiClient(target.authUrl);
  const users = apiClient(target.userUrl);
  const unique = randomUUID().slice(0, 8);
  const email = `e2e-${unique}@example.com`;
  const passwords = ['Correct-Horse-Battery-9', 'Staple-Violet-Lantern-4', 'Quiet-Harbor-Morning-7'];
  const state: {
    session?: Session;
    admin?: Session;
  } = {};
  const session = () => {
    assert.ok(state.session, 'no session: an earlier step failed');
    return state.session;
  };
  const adminSession = () => {
    assert.ok(state.admin, 'no admin session: an earlier step failed');
    return state.admin;
  };
  const login = async (client: ApiClient, who: string, password: string) =>
    client.call('POST', '/auth/login', { body: { email: who, password } });

  const steps: Array<[string, () => Promise<void>]> = [
    [
      'each service serves its API reference (Scalar, no CDN) and a complete OpenAPI document',
      () => checkApiReferences(target.unroutedGet ?? httpGet(target)),
    ],
    [
      'the .http collections of both APIs pass against it (httpyac, as `npm run http` runs them)',
      () => runHttpCollections(target),
    ],
    [
      'the auth-service publishes its signing keys (JWKS)',
      async () => {
        const jwks = await auth.call('GET', '/.well-known/jwks.json');
        expectStatus(jwks, 200, 'GET /.well-known/jwks.json');
        const keys = (jwks.body as { keys: Array<{ kid?: string; d?: string }> }).keys;
        assert.ok(keys.length > 0 && keys.every((key) => key.kid && !key.d), 'public keys with a kid, no private part');
      },
    ],
    [
      'register: 201 with a session; bad input is a 400 naming the field',
      async () => {
        const bad = await auth.call('POST', '/auth/register', { body: { email: 'not-an-email', password: 'x' } });
        expectStatus(bad, 400, 'register with a bad email');
        assert.match(bad.text, /email/);
        const response = await auth.call('POST', '/auth/register', {
          body: { email, password: passwords[0], displayName: 'E2E Alice' },
        });
        expectStatus(response, 201, 'register');
        state.session = response.body as Session;
        assert.equal(state.session.user.email, email);
        assert.equal(state.session.user.emailVerified, false);
        assert.deepEqual(state.session.user.roles, ['user']);
      },
    ],
    [
      'the new profile is visible on the user-service (user.created through SNS/SQS)',
      async () => {
        const profile = await eventually('GET /users/me', async () => {
          const response = await users.call('GET', '/users/me', { token: session().accessToken });
          expectStatus(response, 200, 'GET /users/me');
          return response.body as Record<string, unknown>;
        });
        assert.equal(profile.id, session().user.id);
        assert.equal(profile.email, email);
        assert.equal(profile.displayName, 'E2E Alice');
        assert.equal(profile.status, 'active');
        const anonymous = await users.call('GET', '/users/me');
        expectStatus(anonymous, 401, 'GET /users/me without a token');
      },
    ],
    [
      'verify the email through the page the mail links to (a resent link supersedes the first)',
      async () => {
        const welcome = await target.mailbox.waitFor(email, /confirm your email/i, { timeoutMs: EVENT_TIMEOUT_MS });
        const firstToken = tokenFromMail(welcome.text);
        const resend = await auth.call('POST', '/auth/email/verification', { token: session().accessToken });
        expectStatus(resend, 202, 'POST /auth/email/verification');
        const resent = await target.mailbox.waitFor(email, /confirm your email/i, {
          timeoutMs: EVENT_TIMEOUT_MS,
          nth: 1,
        });
        const superseded = await auth.call('POST', '/auth/email/verify', { body: { token: firstToken } });
        expect4xx(superseded, 'the token of the first mail after a resend');
        assert.equal(await submitMailLinkPage(linkFromMail(resent.text)), 200, 'the page of the verification link');
        const me = await auth.call('GET', '/auth/me', { token: session().accessToken });
        expectStatus(me, 200, 'GET /auth/me');
        assert.equal((me.body as { emailVerified: boolean }).emailVerified, true);
        await eventually('emailVerified on the user-service', async () => {
          const profile = await users.call('GET', '/users/me', { token: session().accessToken });
          assert.equal((profile.body as { emailVerified?: boolean }).emailVerified, true, profile.text);
        });
      },
    ],
    [
      'login: 200 with the right password, 401 INVALID_CREDENTIALS otherwise',
      async () => {
        const wrong = await login(auth, email, 'Not-The-Password-1');
        expectStatus(wrong, 401, 'login with a wrong password');
        assert.equal(errorCode(wrong), 'INVALID_CREDENTIALS');
        const unknown = await login(auth, `nobody-${unique}@example.com`, 'Not-The-Password-1');
        expectStatus(unknown, 401, 'login with an unknown email');
        assert.equal(errorCode(unknown), 'INVALID_CREDENTIALS');
        const ok = await login(auth, email, passwords[0]!);
        expectStatus(ok, 200, 'login');
        state.session = ok.body as Session;
      },
    ],
    [
      'refresh rotates the pair; reusing a rotated token revokes the whole family',
      async () => {
        const first = session().refreshToken;
        const rotated = await auth.call('POST', '/auth/refresh', { body: { refreshToken: first } });
        expectStatus(rotated, 200, 'refresh');
        const second = (rotated.body as Session).refreshToken;
        assert.notEqual(second, first);
        const reuse = await auth.call('POST', '/auth/refresh', { body: { refreshToken: first } });
        expectStatus(reuse, 401, 'reuse of a rotated refresh token');
        const afterReuse = await auth.call('POST', '/auth/refresh', { body: { refreshToken: second } });
        expectStatus(afterReuse, 401, 'the newer token of a revoked family');
        const fresh = await login(auth, email, passwords[0]!);
        expectStatus(fresh, 200, 'login after the family was revoked');
        state.session = fresh.body as Session;
      },
    ],
    [
      'password change: the old password stops working, the new one works',
      async () => {
        const change = await auth.call('POST', '/auth/password/change', {
          token: session().accessToken,
          body: { currentPassword: passwords[0], newPassword: passwords[1] },
        });
        expectStatus(change, 204, 'POST /auth/password/change');
        expectStatus(await login(auth, email, passwords[0]!), 401, 'login with the old password');
        const ok = await login(auth, email, passwords[1]!);
        expectStatus(ok, 200, 'login with the new password');
        state.session = ok.body as Session;
      },
    ],
    [
      'forgot and reset the password through the page the mail links to',
      async () => {
        const unknown = await auth.call('POST', '/auth/password/forgot', {
          body: { email: `nobody-${unique}@example.com` },
        });
        expectStatus(unknown, 202, 'forgot for an unknown email (no enumeration)');
        const forgot = await auth.call('POST', '/auth/password/forgot', { body: { email } });
        expectStatus(forgot, 202, 'POST /auth/password/forgot');
        const mail = await target.mailbox.waitFor(email, /reset your password/i, { timeoutMs: EVENT_TIMEOUT_MS });
        const token = tokenFromMail(mail.text);
        const reset = await submitMailLinkPage(linkFromMail(mail.text), { password: passwords[2]! });
        assert.equal(reset, 204, 'the page of the reset link');
        const again = await auth.call('POST', '/auth/password/reset', { body: { token, password: passwords[0] } });
        assert.ok(again.status >= 400 && again.status < 500, `a used reset token: expected 4xx, got ${again.status}`);
        const oldSession = await auth.call('POST', '/auth/refresh', { body: { refreshToken: session().refreshToken } });
        expectStatus(oldSession, 401, 'a refresh token issued before the reset');
        expectStatus(await login(auth, email, passwords[1]!), 401, 'login with the password before the reset');
        const ok = await login(auth, email, passwords[2]!);
        expectStatus(ok, 200, 'login with the reset password');
        state.session = ok.body as Session;
      },
    ],
    [
      'profile update and addresses (one default at a time, bad country is a 400)',
      async () => {
        const token = session().accessToken;
        const patch = await users.call('PATCH', '/users/me', { token, body: { displayName: 'Alice E2E' } });
        expectStatus(patch, 200, 'PATCH /users/me');
        assert.equal((patch.body as { displayName: string }).displayName, 'Alice E2E');
        const address = { recipientName: 'Alice E2E', line1: '1 Main St', city: 'Berlin', postalCode: '10115' };
        const bad = await users.call('POST', '/users/me/addresses', { token, body: { ...address, country: 'XX' } });
        expectStatus(bad, 400, 'an address with an unknown country');
        assert.match(bad.text, /country/);
        const home = await users.call('POST', '/users/me/addresses', { token, body: { ...address, country: 'DE' } });
        expectStatus(home, 201, 'the first address');
        assert.equal((home.body as { isDefault: boolean }).isDefault, true, 'the first address is the default');
        const work = await users.call('POST', '/users/me/addresses', {
          token,
          body: { ...address, line1: '2 Work Ave', country: 'us', isDefault: true },
        });
        expectStatus(work, 201, 'a second, default address');
        const workId = (work.body as { id: string }).id;
        const homeId = (home.body as { id: string }).id;
        const list = await users.call('GET', '/users/me/addresses', { token });
        expectStatus(list, 200, 'GET /users/me/addresses');
        const items = (list.body as { items: Array<{ id: string; isDefault: boolean; country: string }> }).items;
        assert.deepEqual(
          items.filter((item) => item.isDefault).map((item) => item.id),
          [workId],
          'exactly one default address',
        );
        assert.equal(items.find((item) => item.id === workId)?.country, 'US');
        const renamed = await users.call('PATCH', `/users/me/addresses/${homeId}`, { token, body: { label: 'Home' } });
        expectStatus(renamed, 200, 'PATCH an address');
        expectStatus(await users.call('DELETE', `/users/me/addresses/${workId}`, { token }), 204, 'DELETE an address');
        const after = await users.call('GET', '/users/me/addresses', { token });
        const left = (after.body as { items: Array<{ id: string; isDefault: boolean; label: string | null }> }).items;
        assert.equal(left.length, 1);
        assert.equal(left[0]!.label, 'Home');
        assert.equal(left[0]!.isDefault, true, 'the remaining address became the default');
      },
    ],
    [
      'payment methods: tokenized only, a full card number is refused',
      async () => {
        const token = session().accessToken;
        const card = { provider: 'stripe', token: 'pm_e2e_1234abcd', brand: 'visa', last4: '4242', expMonth: 12 };
        const expYear = new Date().getUTCFullYear() + 2;
        const pan = await users.call('POST', '/users/me/payment-methods', {
          token,
          body: { ...card, expYear, token: '4111111111111111' },
        });
        expectStatus(pan, 400, 'a full card number as the token');
        const first = await users.call('POST', '/users/me/payment-methods', { token, body: { ...card, expYear } });
        expectStatus(first, 201, 'a tokenized card');
        const second = await users.call('POST', '/users/me/payment-methods', {
          token,
          body: { ...card, token: 'pm_e2e_5678efgh', brand: 'mastercard', last4: '4444', expYear },
        });
        expectStatus(second, 201, 'a second card');
        const secondId = (second.body as { id: string }).id;
        const makeDefault = await users.call('POST', `/users/me/payment-methods/${secondId}/default`, { token });
        expectStatus(makeDefault, 200, 'make the second card the default');
        const list = await users.call('GET', '/users/me/payment-methods', { token });
        const items = (list.body as { items: Array<{ id: string; isDefault: boolean }> }).items;
        assert.deepEqual(
          items.filter((item) => item.isDefault).map((item) => item.id),
          [secondId],
        );
        assert.ok(!list.text.includes('pm_e2e_'), 'the provider token is never returned');
        const firstId = (first.body as { id: string }).id;
        const removed = await users.call('DELETE', `/users/me/payment-methods/${firstId}`, { token });
        expectStatus(removed, 204, 'DELETE a card');
      },
    ],
    [
      'preferences and wishlist (cursor paging)',
      async () => {
        const token = session().accessToken;
        const defaults = await users.call('GET', '/users/me/preferences', { token });
        expectStatus(defaults, 200, 'GET /users/me/preferences');
        const wanted = {
          language: 'de',
          currency: 'EUR',
          timezone: 'Europe/Berlin',
          theme: 'dark',
          emailNotifications: true,
          smsNotifications: false,
          marketingEmails: false,
        };
        const put = await users.call('PUT', '/users/me/preferences', { token, body: wanted });
        expectStatus(put, 200, 'PUT /users/me/preferences');
        const read = await users.call('GET', '/users/me/preferences', { token });
        assert.equal((read.body as { currency: string }).currency, 'EUR');
        assert.equal((read.body as { theme: string }).theme, 'dark');
        const badPrefs = await users.call('PUT', '/users/me/preferences', {
          token,
          body: { ...wanted, currency: 'ZZZ' },
        });
        expectStatus(badPrefs, 400, 'an unknown currency');
        for (const productId of ['sku-1', 'sku-2', 'sku-3']) {
          const added = await users.call('POST', '/users/me/wishlist', { token, body: { productId } });
          expectStatus(added, 201, `add ${productId} to the wishlist`);
        }
        const page1 = await users.call('GET', '/users/me/wishlist?limit=2', { token });
        expectStatus(page1, 200, 'GET /users/me/wishlist');
        const first = page1.body as { items: Array<{ productId: string }>; nextCursor: string | null };
        assert.equal(first.items.length, 2);
        assert.ok(first.nextCursor, 'a next cursor');
        const page2 = await users.call('GET', `/users/me/wishlist?limit=2&cursor=${first.nextCursor}`, { token });
        const second = page2.body as { items: Array<{ productId: string }>; nextCursor: string | null };
        assert.equal(second.items.length, 1);
        assert.deepEqual([...first.items, ...second.items].map((item) => item.productId).sort(), [
          'sku-1',
          'sku-2',
          'sku-3',
        ]);
        expectStatus(await users.call('DELETE', '/users/me/wishlist/sku-2', { token }), 204, 'remove sku-2');
        const after = await users.call('GET', '/users/me/wishlist', { token });
        assert.equal((after.body as { items: unknown[] }).items.length, 2);
      },
    ],
    [
      'admin deactivates the account (login 403, its tokens end at once on both services) and reactivates it',
      async () => {
        const adminLogin = await login(auth, target.admin.email, target.admin.password);
        expectStatus(adminLogin, 200, 'the bootstrap admin logs in');
        state.admin = adminLogin.body as Session;
        assert.ok(state.admin.user.roles.includes('admin'));
        const notAdmin = await auth.call('GET', '/admin/users', { token: session().accessToken });
        expectStatus(notAdmin, 403, 'GET /admin/users as a user');
        const userId = session().user.id;
        const deactivate = await auth.call('POST', `/admin/users/${userId}/deactivate`, {
          token: adminSession().accessToken,
        });
        expectStatus(deactivate, 200, 'deactivate');
        const refused = await login(auth, email, passwords[2]!);
        expectStatus(refused, 403, 'login of a deactivated account');
        assert.equal(errorCode(refused), 'ACCOUNT_DEACTIVATED');
        // Its sessions ended with the deactivation: its access token stops working at once, on both services.
        for (const [api, path] of [
          [auth, '/auth/me'],
          [users, '/users/me'],
        ] as const) {
          const response = await api.call('GET', path, { token: session().accessToken });
          expectStatus(response, 401, `GET ${path} with the deactivated account's token`);
          assert.equal(errorCode(response), 'TOKEN_REVOKED');
        }
        await eventually('the user-service marks the profile deactivated', async () => {
          const response = await users.call('GET', `/users/${userId}`, { token: adminSession().accessToken });
          expectStatus(response, 200, 'the admin reads the profile');
          assert.equal((response.body as { status: string }).status, 'deactivated');
        });
        const reactivate = await auth.call('POST', `/admin/users/${userId}/reactivate`, {
          token: adminSession().accessToken,
        });
        expectStatus(reactivate, 200, 'reactivate');
        const ok = await login(auth, email, passwords[2]!);
        expectStatus(ok, 200, 'login after reactivation');
        state.session = ok.body as Session;
        await eventually('the user-service serves the reactivated account', async () => {
          const response = await users.call('GET', '/users/me', { token: session().accessToken });
          expectStatus(response, 200, 'GET /users/me after reactivation');
        });
        const audit = await auth.call('GET', `/admin/audit-logs?userId=${userId}`, {
          token: adminSession().accessToken,
        });
        expectStatus(audit, 200, 'GET /admin/audit-logs');
        assert.ok((audit.body as { items: unknown[] }).items.length > 0, 'audit entries for the account');
      },
    ],
    [
      'delete the account: erasure visible on the user-service',
      async () => {
        const userId = session().user.id;
        const wrong = await auth.call('DELETE', '/auth/me', {
          token: session().accessToken,
          body: { password: 'Not-The-Password-1' },
        });
        expect4xx(wrong, 'DELETE /auth/me with a wrong password');
        const removed = await auth.call('DELETE', '/auth/me', {
          token: session().accessToken,
          body: { password: passwords[2] },
        });
        expectStatus(removed, 204, 'DELETE /auth/me');
        expectStatus(await login(auth, email, passwords[2]!), 401, 'login of a deleted account');
        await eventually('the tombstone on the user-service', async () => {
          const response = await users.call('GET', `/users/${userId}`, { token: adminSession().accessToken });
          expectStatus(response, 200, 'admin GET /users/:id');
          const profile = response.body as { status: string; email?: string | null; displayName?: string | null };
          assert.equal(profile.status, 'deleted');
          assert.ok(!response.text.includes(email), 'the email is erased');
          assert.ok(!response.text.includes('Alice'), 'the display name is erased');
        });
        // The deletion ended its sessions: its token is refused at once.
        const own = await users.call('GET', '/users/me', { token: session().accessToken });
        expectStatus(own, 401, 'the deleted account reads its profile');
        assert.equal(errorCode(own), 'TOKEN_REVOKED');
      },
    ],
    [
      'a poison message reaches the DLQ at once, with its reason, and `npm run dlq:redrive` brings it back',
      async () => {
        const env = target.queueEnv;
        const sqs = new SQSClient({
          region: env.AWS_REGION ?? 'us-east-1',
          endpoint: env.AWS_ENDPOINT_URL,
          credentials: {
            accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'test',
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'test',
          },
        });
        try {
          const queue = await resolveQueue({ sqs }, env.TOPOLOGY_PREFIX ?? '', 'user-profile-events');
          const depth = async (url: string) => {
            const { Attributes } = await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: url,
                AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
              }),
            );
            return (
              Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
              Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
            );
          };
          const before = await depth(queue.deadLetterQueueUrl);
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: queue.url,
              MessageBody: `e2e poison message ${unique}: not an event`,
              MessageAttributes: { type: { DataType: 'String', StringValue: 'user.created' } },
            }),
          );
          log('poison message sent; the consumer must move it to the DLQ at once, with its reason');
          await eventually(
            'the poison message in the DLQ',
            async () => assert.equal(await depth(queue.deadLetterQueueUrl), before + 1),
            DLQ_TIMEOUT_MS,
          );
          const shown = await npmRun('dlq', ['--queue', 'user-profile-events'], env);
          assert.match(shown, new RegExp(`user-profile-events-dlq: ${before + 1} message`), shown);
          // Each sample with its type, user, reason and body.
          assert.match(shown, /\d+\. user\.created · user \(none\)/, shown);
          assert.match(shown, /reason +invalid event: message body is not JSON/, shown);
          assert.match(shown, new RegExp(`body +e2e poison message ${unique}: not an event`), shown);
          const redriven = await npmRun('dlq:redrive', ['--queue', 'user-profile-events'], env);
          assert.match(redriven, new RegExp(`moved ${before + 1} message`), redriven);
          // No depth check here: the consumer may already have moved the still-unparsable message back.
          log('redriven; the consumer receives it again and, still unparsable, it returns to the DLQ');
          await eventually(
            'the redriven message back in the DLQ after going through the queue again',
            async () => assert.equal(await depth(queue.deadLetterQueueUrl), before + 1),
            DLQ_TIMEOUT_MS,
          );
        } finally {
          sqs.destroy();
        }
      },
    ],
  ];

  const results: StepResult[] = [];
  let failedEarlier: string | undefined;
  for (const [name, run] of steps) {
    const started = Date.now();
    if (failedEarlier) {
      results.push({ name: `${prefix}: ${name}`, ok: false, error: `not run: "${failedEarlier}" failed`, ms: 0 });
      log(`SKIP ${name} (an earlier step failed)`);
      continue;
    }
    try {
      await run();
      results.push({ name: `${prefix}: ${name}`, ok: true, ms: Date.now() - started });
      log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ name: `${prefix}: ${name}`, ok: false, error: message, ms: Date.now() - started });
      log(`FAIL ${name}: ${message}`);
      failedEarlier = name;
    }
  }
  return results;
}

function expect4xx(response: ApiResponse, what: string): void {
  assert.ok(response.status >= 400 && response.status < 500, `${what}: expected 4xx, got ${response.status}`);
}
