import os from 'node:os';
import type { Argon2BoundResult } from './argon2Bound';
import { argon2Bound, runLoad, type MeasuredLoad } from './baselines';
import type { BenchStack } from './infra';
import { processRssMiB, type ServiceMemory } from './memory';
import { step } from './progress';

/** Requests in flight of the login and register rows. */
export const AUTH_CONCURRENCY = [2, 8] as const;
const PASSWORD = 'bench-Quokka-password-8812';
const LOGIN_ACCOUNTS = 8;

/** argon2id alone, the best of running `concurrency` or (if fewer) as many as there are cores at a time. */
export interface Argon2Bound extends Argon2BoundResult {
  inFlight: number;
  runs: Array<{ inFlight: number; perSecond: number }>;
}

export interface AuthRow {
  concurrency: number;
  service: MeasuredLoad;
  bound: Argon2Bound;
}

export interface AuthResult {
  seconds: number;
  /** The argon2id parameters, read from a hash the service stored. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  login: AuthRow[];
  register: AuthRow[];
  memory: ServiceMemory;
  exit: string;
}

/**
 * Login and register throughput and latency on the auth-service alone (NODE_ENV=production, its
 * in-process outbox relay publishing to the emulator; the user-service not running), at 2 and 8
 * requests in flight from bench/loadClient.ts, each client address its own. Right before each row,
 * its bound: argon2id verify (login) or hash (register) in a process of its own with the parameters
 * read from a hash the service stored.
 */
export async function authBench(stack: BenchStack, seconds: number): Promise<AuthResult> {
  step('auth: starting the auth-service');
  const auth = await stack.startService('auth-service');
  try {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const memory: ServiceMemory = { idleMiB: processRssMiB(auth.child.pid) };
    const accounts = Array.from({ length: LOGIN_ACCOUNTS }, (_, index) => ({
      email: `bench-login-${stack.runId}-${index}@example.com`,
      password: PASSWORD,
    }));
    for (const [index, account] of accounts.entries()) {
      const response = await fetch(`${stack.authUrl}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.250.0.${index + 1}` },
        body: JSON.stringify(account),
      });
      if (response.status !== 201)
        throw new Error(`POST /auth/register answered ${response.status}: ${await response.text()}`);
    }
    const argon2 = await argon2Parameters(stack, accounts[0]!.email);
    step(`auth: argon2id m=${argon2.memoryCost} KiB, t=${argon2.timeCost}, p=${argon2.parallelism} (as stored)`);

    const bound = async (operation: 'hash' | 'verify', concurrency: number): Promise<Argon2Bound> => {
      const inFlights = [...new Set([Math.min(concurrency, os.availableParallelism()), concurrency])];
      const runs: Array<Argon2BoundResult & { inFlight: number }> = [];
      for (const inFlight of inFlights)
        runs.push({
          inFlight,
          ...(await argon2Bound({ operation, concurrency: inFlight, seconds: 5, warmupSeconds: 1, ...argon2 })),
        });
      const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      step(
        `auth: argon2id ${operation} bound at ${concurrency}: ${best.perSecond.toFixed(1)}/s (${best.inFlight} in flight)`,
      );
      return { ...best, runs: runs.map((run) => ({ inFlight: run.inFlight, perSecond: run.perSecond })) };
    };
    const load = async (concurrency: number, requests: Parameters<typeof runLoad>[1]['requests'], label: string) => {
      const result = await runLoad(
        stack,
        { url: stack.authUrl, connections: concurrency, seconds, warmupSeconds: 2, requests },
        `${label}, ${concurrency} at a time`,
        { pid: auth.child.pid },
      );
      step(
        `auth: ${label} at ${concurrency}: ${result.perSecond.toFixed(1)}/s, p99 ${result.latencyMs.p99.toFixed(0)} ms`,
      );
      return result;
    };

    const login: AuthRow[] = [];
    const register: AuthRow[] = [];
    for (const concurrency of AUTH_CONCURRENCY) {
      const verifyBound = await bound('verify', concurrency);
      login.push({
        concurrency,
        bound: verifyBound,
        service: await load(concurrency, { kind: 'login', accounts }, 'POST /auth/login'),
      });
      const hashBound = await bound('hash', concurrency);
      register.push({
        concurrency,
        bound: hashBound,
        service: await load(
          concurrency,
          { kind: 'register', emailPrefix: `bench-register-${stack.runId}-${concurrency}`, password: PASSWORD },
          'POST /auth/register',
        ),
      });
    }
    memory.afterLoadMiB = processRssMiB(auth.child.pid);
    const exit = String(await auth.stop({ signal: 'SIGTERM', timeoutMs: 30_000 }));
    await stack.purgeQueues();
    return { seconds, argon2, login, register, memory, exit };
  } finally {
    await auth.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
  }
}

/** m, t and p of the argon2id hash stored for `email` (PHC string: $argon2id$v=19$m=…,p=…,t=…$…). */
async function argon2Parameters(stack: BenchStack, email: string): Promise<AuthResult['argon2']> {
  const { rows } = await stack.authDb.query<{ hash: string }>(
    'SELECT password_hash AS hash FROM users WHERE email = $1',
    [email],
  );
  const [, type, , parameters] = (rows[0]?.hash ?? '').split('$');
  const values = new Map((parameters ?? '').split(',').map((pair) => pair.split('=') as [string, string]));
  const [m, t, p] = ['m', 't', 'p'].map((name) => Number(values.get(name)));
  if (type !== 'argon2id' || !m || !t || !p) throw new Error(`no argon2id hash stored for ${email}`);
  return { memoryCost: m, timeCost: t, parallelism: p };
}
