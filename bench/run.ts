/**
 * `npm run bench`: measures the event pipeline (issue 8) and the HTTP hot paths (issue 9) on this
 * machine, each figure beside a baseline taken in the same run. Starts everything it needs (databases,
 * Redis database, fauxqs, the services as processes), shows progress on stderr, prints the table on
 * stdout and writes it to .bench/<time>.md (+ .json, and latest.md / latest.json).
 * Exits 0 whether or not the targets are met; 1 only when a measurement broke.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../scripts/db/databases';
import { AUTH_CONCURRENCY, authBench } from './authBench';
import { consumerBench } from './consumerBench';
import { PORTS, SERVICE_MODE, startBenchStack, type BenchStack } from './infra';
import { latencyBench, LOW_RATE, SUSTAINED } from './latencyBench';
import { step } from './progress';
import { READ_CONNECTIONS, readBench } from './readBench';
import { relayBench } from './relayBench';
import { checkTargets, renderReport, STAGES, type BenchReport, type Stage } from './table';

const HELP = `npm run bench [-- options]

Measures the event pipeline and the HTTP hot paths, each figure beside a baseline measured in the
same run on this machine, and prints a table (also written to .bench/<time>.md, .bench/latest.md
and a JSON beside).

  consumer  events/s the user-service's profile worker applies, vs a raw ReceiveMessage(10) +
            DeleteMessageBatch drain of the same messages (best of 1/2/4/8 pollers)
  relay     events/s the auth-service's outbox relay publishes, vs raw PublishBatch (10 a call,
            best of 1/2/4/8 calls in flight)
  latency   register→profile p50/p95/p99 from the registration's commit to the profile's commit (commit
            timestamps of a Postgres the bench starts itself), ${LOW_RATE.accounts} accounts at
            ${LOW_RATE.perSecond}/s and ${SUSTAINED.accounts} accounts ${SUSTAINED.concurrency} at a time, vs bare SNS Publish → SQS receive round trips
  reads     GET /users/me on the user-service, ${READ_CONNECTIONS} connections: cached vs a bare Fastify + ioredis GET of
            the same JSON; cache misses vs a bare GET + SELECT + SET (load from autocannon in its own process)
  auth      POST /auth/login and /auth/register at ${AUTH_CONCURRENCY.join(' and ')} in flight vs argon2id verify / hash
            alone, measured right before; p50/p95/p99; the services' memory idle and after load

Options:
  --events N        events per throughput measurement (default 5000)
  --seconds N       seconds per HTTP load run of reads and auth (default 10)
  --only LIST       stages to run, comma-separated: ${STAGES.join(',')} (default all)
  --help            this text

Postgres: a server of its own (initdb into a temporary folder, port ${PORTS.postgres}, track_commit_timestamp on)
where pg_config names the server binaries; else, or with BENCH_POSTGRES_URL, an existing server
(E2E_POSTGRES_URL / TEST_POSTGRES_URL / postgresql://postgres@127.0.0.1:5432), where latencies then run from
the start of the registration transaction. Redis 127.0.0.1:6379, database 10; ports ${PORTS.auth} (auth),
${PORTS.user} (user), ${PORTS.bare} (bare server), ${PORTS.emulator} (fauxqs).
Exits 0 when the targets are missed (the table says which); 1 when a measurement broke.
`;

function parseOptions(): { events: number; seconds: number; stages: Stage[] } | undefined {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      seconds: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const events = Number(values.events ?? 5000);
  if (!Number.isInteger(events) || events < 100)
    throw new Error(`--events must be an integer ≥ 100 (got ${values.events})`);
  const seconds = Number(values.seconds ?? 10);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new Error(`--seconds must be an integer ≥ 1 (got ${values.seconds})`);
  const stages = (values.only ?? STAGES.join(','))
    .split(',')
    .map((stage) => stage.trim())
    .filter(Boolean);
  const unknown = stages.filter((stage) => !(STAGES as readonly string[]).includes(stage));
  if (unknown.length || stages.length === 0) throw new Error(`--only takes ${STAGES.join(', ')} (got ${values.only})`);
  return { events, seconds, stages: STAGES.filter((stage) => stages.includes(stage)) };
}

async function environment(): Promise<BenchReport['environment']> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  const cpus = os.cpus();
  const fauxqs = JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules/fauxqs/package.json'), 'utf8')) as {
    version: string;
  };
  return {
    machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    loadAverage: { before: os.loadavg()[0]!, cpus: cpus.length },
    node: process.version,
    commit: git('rev-parse', '--short', 'HEAD').trim(),
    uncommitted: git('status', '--porcelain')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3)),
    emulator: `fauxqs ${fauxqs.version} in the bench process (port ${PORTS.emulator}); raw baselines in a child process of plain AWS SDK calls`,
    services: SERVICE_MODE,
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n\n${HELP}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(HELP);
    return 0;
  }
  const started = new Date();
  const startedMs = performance.now();
  const stamp = started
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const runId = Date.now().toString(36);
  const outDir = path.join(REPO_ROOT, '.bench');
  const logDir = path.join(outDir, stamp);
  await mkdir(logDir, { recursive: true });
  step(
    `run ${runId}: ${options.stages.join(', ')} with ${options.events} events; service logs in ${path.relative(REPO_ROOT, logDir)}/`,
  );

  const report: BenchReport = {
    startedAt: started.toISOString(),
    durationMs: 0,
    events: options.events,
    seconds: options.seconds,
    stages: options.stages,
    environment: await environment(),
  };
  const failures: string[] = [];
  let stack: BenchStack | undefined;
  const interrupted = async () => {
    step('interrupted: stopping the services and dropping the databases');
    await stack?.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    stack = await startBenchStack(runId, logDir);
    report.environment.postgres = stack.postgres;
    for (const stage of options.stages) {
      step(`── ${stage}`);
      try {
        if (stage === 'consumer') report.consumer = await consumerBench(stack, options.events);
        if (stage === 'relay') report.relay = await relayBench(stack, options.events);
        if (stage === 'latency') report.latency = await latencyBench(stack);
        if (stage === 'reads') report.reads = await readBench(stack, options.seconds);
        if (stage === 'auth') report.auth = await authBench(stack, options.seconds);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push(`${stage}: ${message}`);
        step(`${stage}: the measurement broke: ${message}`);
      }
    }
  } catch (error) {
    failures.push(`setup: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    step('stopping: emulator, SMTP sink, Redis database, dropping the bench databases');
    await stack?.stop();
  }
  report.durationMs = performance.now() - startedMs;

  let markdown = renderReport(report);
  if (failures.length)
    markdown += `\nMEASUREMENT FAILED (the figures above are incomplete):\n${failures.map((failure) => `- ${failure}`).join('\n')}\n`;
  const json = `${JSON.stringify({ ...report, targets: checkTargets(report), failures }, null, 2)}\n`;
  await writeFile(path.join(outDir, `${stamp}.md`), markdown);
  await writeFile(path.join(outDir, `${stamp}.json`), json);
  await copyFile(path.join(outDir, `${stamp}.md`), path.join(outDir, 'latest.md'));
  await copyFile(path.join(outDir, `${stamp}.json`), path.join(outDir, 'latest.json'));
  process.stdout.write(`\n${markdown}`);
  step(`written: .bench/${stamp}.md (and .json), .bench/latest.md`);
  const missed = checkTargets(report).filter((check) => !check.met);
  if (missed.length) step(`targets missed: ${missed.map((check) => check.name).join('; ')} (the bench still exits 0)`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[bench] failed:', error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
