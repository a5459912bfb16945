import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { REPO_ROOT } from '../scripts/db/databases';
import { startProcess } from '../test/e2e/processes';
import { processCpuMs } from './cpu';
import type { Argon2BoundRequest, Argon2BoundResult } from './argon2Bound';
import { PORTS, type BenchStack } from './infra';
import type { LoadResult, LoadSpec } from './loadClient';
import { step } from './progress';
import { perSecond, summarize } from './stats';
import type { DrainResult, PublishResult, RawRequest, RoundtripResult } from './rawClient';

/**
 * Runs one bench script (`bench/<script>.ts <argument>`) as a child process of its own, like the
 * service it is compared with: its stderr as progress, its last stdout line as the JSON result.
 */
function runBenchChild<T>(script: string, argument: string, env: Record<string, string>, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', `${script}.ts`), argument], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const errors: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    createInterface({ input: child.stderr }).on('line', (line) => {
      errors.push(line);
      step(`  ${label}: ${line}`);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${label} failed (${signal ?? code}):\n${errors.slice(-20).join('\n')}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`${label} printed no result: ${stdout.slice(-500)}`));
      }
    });
  });
}

/** A raw SNS/SQS baseline (bench/rawClient.ts): plain SDK calls against the same emulator. */
const runRawClient = <T>(stack: BenchStack, request: RawRequest, label: string) =>
  runBenchChild<T>('rawClient', JSON.stringify(request), stack.awsEnv, label);

export interface MeasuredLoad extends LoadResult {
  /** CPU time the server process used over the measured run (ms), and per response; absent without /proc. */
  serverCpuMs?: number;
  serverCpuMsPerRequest?: number;
}

/**
 * HTTP load from a process of its own (bench/loadClient.ts, autocannon); the spec goes through a
 * file (token lists). With `warmupSeconds`, an unmeasured run at the same concurrency first (JIT,
 * pools). The server's CPU is read around the measured run.
 */
export async function runLoad(
  stack: BenchStack,
  spec: LoadSpec & { warmupSeconds?: number },
  label: string,
  server: { pid?: number },
): Promise<MeasuredLoad> {
  const { warmupSeconds, ...measured } = spec;
  const run = async (load: LoadSpec, runLabel: string) => {
    const file = path.join(stack.logDir, `load-${++loadRuns}.json`);
    await writeFile(file, JSON.stringify(load));
    return runBenchChild<LoadResult>('loadClient', file, {}, runLabel);
  };
  if (warmupSeconds) await run({ ...measured, amount: undefined, seconds: warmupSeconds }, `${label} (warm-up)`);
  const cpuBefore = processCpuMs(server.pid);
  const result = await run(measured, label);
  const cpuAfter = processCpuMs(server.pid);
  return {
    ...result,
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? { serverCpuMs: cpuAfter - cpuBefore, serverCpuMsPerRequest: (cpuAfter - cpuBefore) / result.requests }
      : {}),
  };
}
let loadRuns = 0;

/** Several runs of one measurement as one: rates over their summed time, latencies pooled (runs with keepLatencies). */
export function poolLoads(loads: MeasuredLoad[]): MeasuredLoad {
  const sum = (value: (load: MeasuredLoad) => number) => loads.reduce((total, load) => total + value(load), 0);
  const requests = sum((load) => load.requests);
  const elapsedMs = sum((load) => load.elapsedMs);
  const statuses: Record<string, number> = {};
  for (const load of loads)
    for (const [code, count] of Object.entries(load.statuses)) statuses[code] = (statuses[code] ?? 0) + count;
  const serverCpuMs = loads.every((load) => load.serverCpuMs !== undefined)
    ? sum((load) => load.serverCpuMs!)
    : undefined;
  return {
    requests,
    elapsedMs,
    perSecond: perSecond(requests, elapsedMs),
    statuses,
    errors: sum((load) => load.errors),
    latencyMs: summarize(loads.flatMap((load) => load.latenciesMs ?? [])),
    generatorCpuMs: sum((load) => load.generatorCpuMs),
    ...(serverCpuMs !== undefined ? { serverCpuMs, serverCpuMsPerRequest: serverCpuMs / requests } : {}),
  };
}

/** argon2id alone at a concurrency (bench/argon2Bound.ts), in a process of its own. */
export const argon2Bound = (request: Argon2BoundRequest) =>
  runBenchChild<Argon2BoundResult>(
    'argon2Bound',
    JSON.stringify(request),
    {},
    `argon2id ${request.operation} bound, ${request.concurrency} at a time`,
  );

/**
 * Starts the bare Fastify + ioredis (+ pg) server of the read baselines (bench/bareServer.ts) on its
 * port; resolves once it listens. `stop` ends it.
 */
export async function startBareServer(stack: BenchStack, options: { poolSize: number; ttlSeconds: number }) {
  const config = {
    port: PORTS.bare,
    redisUrl: stack.urls.redis,
    databaseUrl: stack.urls.userDb,
    ...options,
  };
  const managed = startProcess({
    name: 'bare-server',
    command: process.execPath,
    args: ['--import', 'tsx', path.join('bench', 'bareServer.ts'), JSON.stringify(config)],
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    logDir: stack.logDir,
  });
  const deadline = Date.now() + 30_000;
  while (!managed.tail(5).includes('"listening"')) {
    if (managed.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the bare server did not start:\n${managed.tail(20)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${PORTS.bare}`, process: managed, stop: () => managed.stop({ timeoutMs: 10_000 }) };
}

export const rawDrain = (stack: BenchStack, expected: number, pollers: number) =>
  runRawClient<DrainResult>(
    stack,
    { mode: 'drain', queueUrl: stack.profileQueue.url, expected, pollers },
    `raw drain, ${pollers} pollers`,
  );

export const rawPublish = (stack: BenchStack, count: number, inFlight: number) =>
  runRawClient<PublishResult>(
    stack,
    { mode: 'publish', topicArn: stack.topicArn, count, inFlight },
    `raw PublishBatch, ${inFlight} in flight`,
  );

export const rawRoundtrip = (stack: BenchStack, count: number, intervalMs: number) =>
  runRawClient<RoundtripResult>(
    stack,
    { mode: 'roundtrip', topicArn: stack.topicArn, queueUrl: stack.profileQueue.url, count, warmup: 10, intervalMs },
    'raw publish→receive',
  );
