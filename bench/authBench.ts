import os from 'node:os';
import type { Argon2BoundResult } from './argon2Bound';
import { argon2Bound, poolLoads, runLoad, type MeasuredLoad } from './baselines';
import type { BenchStack } from './infra';
import type { LoadSpec } from './loadClient';
import { processRssMiB, type ServiceMemory } from './memory';
import { step } from './progress';
import { perSecond, summarize, type LatencySummary } from './stats';

/** Requests in flight of the login and register rows. */
export const AUTH_CONCURRENCY = [2, 8] as const;
/** Each row alternates bound and service this many times, so that a drift of the machine's load hits both. */
export const AUTH_ROUNDS = 3;
const PASSWORD = 'bench-Quokka-password-8812';
const LOGIN_ACCOUNTS = 8;

/** argon2id alone: `inFlight` (as many as the row, at most one per core) loops of hash or verify. */
export interface Argon2Bound {
  inFlight: number;
  operations: number;
  perSecond: number;
  latencyMs: LatencySummary;
  cpuMsPerOperation: number;
}

export interface AuthRow {
  concurrency: number;
  /** The service over the rounds, pooled. */
  service: MeasuredLoad;
  bound: Argon2Bound;
  /** service / bound of each round, in order. */
  roundRatios: number[];
}

export interface AuthResult {
  seconds: number;
  rounds: number;
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
 * requests in flight from bench/loadClient.ts, each client address its own. Each row is AUTH_ROUNDS
 * rounds of: its bound, argon2id verify (login) or hash (register) alone in a process of its own
 * with the parameters read from a hash the service stored, then the service right after; `seconds`
 * is shared out over the rounds, and the rounds are pooled.
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
    const roundSeconds = Math.max(2, Math.round(seconds / AUTH_ROUNDS));

    const measureRow = async (
      label: string,
      operation: 'hash' | 'verify',
      concurrency: number,
      requests: LoadSpec['requests'],
    ): Promise<AuthRow> => {
      const inFlight = Math.min(concurrency, os.availableParallelism());
      const bounds: Argon2BoundResult[] = [];
      const loads: MeasuredLoad[] = [];
      for (let round = 0; round < AUTH_ROUNDS; round++) {
        const bound = await argon2Bound({
          operation,
          concurrency: inFlight,
          seconds: roundSeconds,
          warmupSeconds: 1,
          ...argon2,
        });
        const load = await runLoad(
          stack,
          {
            url: stack.authUrl,
            connections: concurrency,
            seconds: roundSeconds,
            ...(round === 0 ? { warmupSeconds: 2 } : {}),
            requests,
            keepLatencies: true,
          },
          `${label}, ${concurrency} at a time, round ${round + 1}`,
          { pid: auth.child.pid },
        );
        bounds.push(bound);
        loads.push(load);
        step(
          `auth: ${label} at ${concurrency}, round ${round + 1}: ${load.perSecond.toFixed(1)}/s ` +
            `vs argon2id ${operation} ${bound.perSecond.toFixed(1)}/s (${(load.perSecond / bound.perSecond).toFixed(2)})`,
        );
      }
      const operations = bounds.reduce((sum, bound) => sum + bound.operations, 0);
      return {
        concurrency,
        bound: {
          inFlight,
          operations,
          perSecond: perSecond(
            operations,
            bounds.reduce((sum, bound) => sum + bound.elapsedMs, 0),
          ),
          latencyMs: summarize(bounds.flatMap((bound) => bound.latenciesMs)),
          cpuMsPerOperation: bounds.reduce((sum, bound) => sum + bound.cpuMs, 0) / operations,
        },
        service: poolLoads(loads),
        roundRatios: loads.map((load, index) => load.perSecond / bounds[index]!.perSecond),
      };
    };

    const login: AuthRow[] = [];
    const register: AuthRow[] = [];
    for (const concurrency of AUTH_CONCURRENCY) {
      login.push(await measureRow('POST /auth/login', 'verify', concurrency, { kind: 'login', accounts }));
      register.push(
        await measureRow('POST /auth/register', 'hash', concurrency, {
          kind: 'register',
          emailPrefix: `bench-register-${stack.runId}-${concurrency}`,
          password: PASSWORD,
        }),
      );
    }
    memory.afterLoadMiB = processRssMiB(auth.child.pid);
    const exit = String(await auth.stop({ signal: 'SIGTERM', timeoutMs: 30_000 }));
    await stack.purgeQueues();
    return { seconds, rounds: AUTH_ROUNDS, argon2, login, register, memory, exit };
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
