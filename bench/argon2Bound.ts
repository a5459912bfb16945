/**
 * The argon2id bound of the login and register rows of `npm run bench`, run as a child process
 * (`node --import tsx bench/argon2Bound.ts '<json>'`): `concurrency` loops of argon2.hash (register)
 * or argon2.verify (login) with the service's parameters, the library's default thread pool, nothing
 * else. What the service could reach if argon2 were all it did. Progress on stderr; the result as one
 * JSON line on stdout.
 */
import argon2 from 'argon2';
import { perSecond, summarize, type LatencySummary } from './stats';

export interface Argon2BoundRequest {
  operation: 'hash' | 'verify';
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Argon2BoundResult {
  operations: number;
  elapsedMs: number;
  perSecond: number;
  latencyMs: LatencySummary;
  latenciesMs: number[];
  /** CPU time of this process over the measured run (argon2's threads included), ms. */
  cpuMs: number;
}

async function main() {
  const request = JSON.parse(process.argv[2] ?? '{}') as Argon2BoundRequest;
  const options = {
    type: argon2.argon2id,
    memoryCost: request.memoryCost,
    timeCost: request.timeCost,
    parallelism: request.parallelism,
  } as const;
  const password = 'bench-Quokka-password-8812';
  const stored = await argon2.hash(password, options);
  const operation =
    request.operation === 'hash' ? () => argon2.hash(password, options) : () => argon2.verify(stored, password);

  const loop = async (until: number, latencies?: number[]) => {
    while (performance.now() < until) {
      const startedAt = performance.now();
      await operation();
      latencies?.push(performance.now() - startedAt);
    }
  };
  const concurrent = (until: number, latencies?: number[]) =>
    Promise.all(Array.from({ length: request.concurrency }, () => loop(until, latencies)));

  await concurrent(performance.now() + request.warmupSeconds * 1000);
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await concurrent(startedAt + request.seconds * 1000, latencies);
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const result: Argon2BoundResult = {
    operations: latencies.length,
    elapsedMs,
    perSecond: perSecond(latencies.length, elapsedMs),
    latencyMs: summarize(latencies),
    latenciesMs: latencies,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
