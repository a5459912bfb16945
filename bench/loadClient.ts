/**
 * The HTTP load generator of `npm run bench`, run as a child process (`node --import tsx
 * bench/loadClient.ts <spec.json>`), so that generating load does not share the measured server's
 * process: autocannon (keep-alive connections, one request in flight per connection) against one
 * URL. Progress on stderr; the result as one JSON line on stdout.
 *
 * Each request may differ (a token, a body, a client address): `requests` says how.
 * - fixed: the same request every time (a cached read).
 * - bearer: GET `path` with `Authorization: Bearer <tokens[i]>`, cycling through the tokens.
 * - paths: GET `paths[i]`, cycling.
 * - login: POST /auth/login with `accounts[i]`, cycling, each from its own client address.
 * - register: POST /auth/register with a new email each time, each from its own client address.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon, { type Request } from 'autocannon';
import { perSecond, summarize, type LatencySummary } from './stats';

export type LoadRequests =
  | { kind: 'fixed'; path: string; headers?: Record<string, string> }
  | { kind: 'bearer'; path: string; tokens: string[] }
  | { kind: 'paths'; paths: string[] }
  | { kind: 'login'; accounts: Array<{ email: string; password: string }> }
  | { kind: 'register'; emailPrefix: string; password: string };

export interface LoadSpec {
  /** Base URL: http://127.0.0.1:port */
  url: string;
  connections: number;
  /** Run for this long, or (amount) until this many requests have been answered. */
  seconds?: number;
  amount?: number;
  requests: LoadRequests;
  /** Also return every latency (to pool several runs); off for the fast read runs. */
  keepLatencies?: boolean;
}

export interface LoadResult {
  requests: number;
  elapsedMs: number;
  perSecond: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts (no response). */
  errors: number;
  latencyMs: LatencySummary;
  /** Every latency, ms, when the spec asked for them. */
  latenciesMs?: number[];
  /** CPU time of this load generator over the measured run, ms. */
  generatorCpuMs: number;
}

const progress = (message: string) => process.stderr.write(`${message}\n`);

/** A client address per request (10.x.y.z), so that per-IP limits see many clients, as behind a load balancer. */
function addresses() {
  // From a random point: the runs of one bench (one process each) do not reuse each other's addresses.
  let next = randomInt(1 << 23);
  return () => {
    next++;
    return `10.${(next >> 16) & 255}.${(next >> 8) & 255}.${next & 255 || 1}`;
  };
}

function requestsOf(spec: LoadRequests): Request[] {
  const json = { 'content-type': 'application/json' };
  switch (spec.kind) {
    case 'fixed':
      return [{ method: 'GET', path: spec.path, headers: spec.headers ?? {} }];
    case 'bearer': {
      let next = 0;
      return [
        {
          method: 'GET',
          path: spec.path,
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, authorization: `Bearer ${spec.tokens[next++ % spec.tokens.length]}` },
          }),
        },
      ];
    }
    case 'paths': {
      let next = 0;
      return [
        {
          method: 'GET',
          setupRequest: (request) => ({ ...request, path: spec.paths[next++ % spec.paths.length]! }),
        },
      ];
    }
    case 'login': {
      let next = 0;
      const address = addresses();
      return [
        {
          method: 'POST',
          path: '/auth/login',
          setupRequest: (request) => ({
            ...request,
            headers: { ...request.headers, ...json, 'x-forwarded-for': address() },
            body: JSON.stringify(spec.accounts[next++ % spec.accounts.length]),
          }),
        },
      ];
    }
    case 'register': {
      let next = 0;
      const address = addresses();
      return [
        {
          method: 'POST',
          path: '/auth/register',
          setupRequest: (request) => {
            const index = next++;
            return {
              ...request,
              headers: { ...request.headers, ...json, 'x-forwarded-for': address() },
              body: JSON.stringify({
                // The pid: a warm-up run (another process) never registers the same email.
                email: `${spec.emailPrefix}-${process.pid}-${index}@example.com`,
                password: spec.password,
                displayName: `Bench ${index}`,
              }),
            };
          },
        },
      ];
    }
  }
}

function run(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(spec.amount ? { amount: spec.amount } : { duration: spec.seconds ?? 10 }),
        timeout: 30,
        requests: requestsOf(spec.requests),
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsedMs = performance.now() - startedAt;
        const cpu = process.cpuUsage(cpuBefore);
        if (latencies.length === 0) return reject(new Error(`no response from ${spec.url}`));
        resolve({
          requests: latencies.length,
          elapsedMs,
          perSecond: perSecond(latencies.length, elapsedMs),
          statuses,
          errors: result.errors + result.timeouts,
          latencyMs: summarize(latencies),
          ...(spec.keepLatencies ? { latenciesMs: latencies.map((value) => Math.round(value * 100) / 100) } : {}),
          generatorCpuMs: (cpu.user + cpu.system) / 1000,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    const ticker = setInterval(() => progress(`${latencies.length} responses`), 2_000);
    instance.on('done', () => clearInterval(ticker));
  });
}

async function main() {
  const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadSpec;
  const result = await run(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
