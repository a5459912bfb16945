import type { AuthResult, AuthRow } from './authBench';
import type { MeasuredLoad } from './baselines';
import type { ConsumerResult } from './consumerBench';
import type { LoadResult } from './loadClient';
import type { ReadResult } from './readBench';
import type { LatencyPhase, LatencyResult } from './latencyBench';
import type { RelayResult } from './relayBench';
import { ratio } from './stats';
import type { Throughput } from './watch';

export const STAGES = ['consumer', 'relay', 'latency', 'reads', 'auth'] as const;
export type Stage = (typeof STAGES)[number];

/** Everything one run measured; written as JSON beside the table. */
export interface BenchReport {
  startedAt: string;
  durationMs: number;
  events: number;
  /** Seconds of each measured HTTP load run (reads, auth). */
  seconds: number;
  stages: Stage[];
  environment: {
    machine: string;
    /** 1-minute load average before the run (other work on the machine skews the figures) and CPUs. */
    loadAverage: { before: number; cpus: number };
    node: string;
    commit: string;
    /** Files with uncommitted changes when the run started (the services ran from the working tree). */
    uncommitted: string[];
    emulator: string;
    services: string;
    /** Which Postgres server the bench databases were on. */
    postgres?: string;
  };
  consumer?: ConsumerResult;
  relay?: RelayResult;
  latency?: LatencyResult;
  reads?: ReadResult;
  auth?: AuthResult;
}

/** One target of issue 8 or 9, checked against this run. */
export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

/**
 * The issues' targets. Issue 8: consumer ≥ 2,000/s and ≥ 0.5 of raw; relay ≥ 0.5 of raw; low-rate
 * p50 ≤ 20 ms, p99 ≤ 100 ms. Issue 9: cached read ≥ 0.5 of bare, miss ≥ 0.7 of bare miss, login
 * ≥ 0.9 of the argon2id verify bound, register ≥ 0.8 of the hash bound (at each concurrency); a row
 * with any answer other than its success status misses.
 */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { consumer, relay, latency, reads, auth } = report;
  if (consumer) {
    const rate = consumer.service.perSecond;
    checks.push({
      name: 'consumer events/s',
      target: '≥ 2,000 events/s',
      actual: `${int(rate)} events/s`,
      met: rate >= 2000,
    });
    const share = rate / consumer.baseline.perSecond;
    checks.push({
      name: 'consumer vs raw drain',
      target: '≥ 0.50 of raw',
      actual: share.toFixed(2),
      met: share >= 0.5,
    });
  }
  if (relay) {
    const share = relay.service.perSecond / relay.baseline.perSecond;
    checks.push({
      name: 'relay vs raw PublishBatch',
      target: '≥ 0.50 of raw',
      actual: share.toFixed(2),
      met: share >= 0.5,
    });
  }
  if (latency) {
    const { p50, p99 } = latency.low.latencyMs;
    checks.push({ name: 'register→profile p50 at a low rate', target: '≤ 20 ms', actual: ms(p50), met: p50 <= 20 });
    checks.push({ name: 'register→profile p99 at a low rate', target: '≤ 100 ms', actual: ms(p99), met: p99 <= 100 });
  }
  const share = (name: string, service: Outcome, baseline: number, least: number, success: number) => {
    const value = service.perSecond / baseline;
    const failed = failures(service, success);
    checks.push({
      name,
      target: `≥ ${least.toFixed(2)} of the baseline`,
      actual: `${value.toFixed(2)}${failed ? `, ${int(failed)} answers not ${success}` : ''}`,
      met: value >= least && failed === 0,
    });
  };
  if (reads) {
    share('cached read vs bare', reads.cached.service, reads.cached.baseline.perSecond, 0.5, 200);
    share('miss vs bare miss', reads.miss.service, reads.miss.baseline.perSecond, 0.7, 200);
  }
  if (auth) {
    for (const row of auth.login) share(loginName(row), row.service, row.bound.perSecond, 0.9, 200);
    for (const row of auth.register) share(registerName(row), row.service, row.bound.perSecond, 0.8, 201);
  }
  return checks;
}

const loginName = (row: AuthRow) => `login at ${row.concurrency} vs argon2id verify`;
const registerName = (row: AuthRow) => `register at ${row.concurrency} vs argon2id hash`;

const roundList = (ratios: number[]) => ratios.map((value) => value.toFixed(2)).join(', ');
const cpuPerRequest = ({ serverCpuMsPerRequest: value }: Pick<MeasuredLoad, 'serverCpuMsPerRequest'>) =>
  value === undefined ? '–' : `${value.toFixed(2)} ms`;
const nonSuccess = (result: Outcome, success: number) => {
  const failed = failures(result, success);
  if (!failed) return 'none';
  const codes = Object.entries(result.statuses).filter(([code]) => Number(code) !== success);
  return `${failed} (${[...codes.map(([code, n]) => `${n}× ${code}`), ...(result.errors ? [`${result.errors} errors`] : [])].join(', ')})`;
};

/** Answers other than `success`, connection errors included. */
/** What a row's success check needs of a load run. */
type Outcome = Pick<LoadResult, 'perSecond' | 'statuses' | 'errors'>;

const failures = (result: Outcome, success: number) =>
  result.errors +
  Object.entries(result.statuses).reduce((sum, [code, n]) => sum + (Number(code) === success ? 0 : n), 0);

/** The Markdown table of a run (what `npm run bench` prints and writes to .bench/). */
export function renderReport(report: BenchReport): string {
  const checks = checkTargets(report);
  const verdict = (name: string) => {
    const check = checks.find((candidate) => candidate.name === name);
    return check ? (check.met ? 'met' : '**MISSED**') : '';
  };
  const rows: string[][] = [];
  const { consumer, relay, latency } = report;
  if (consumer) {
    const baseline = consumer.baseline;
    rows.push([
      `consumer: the user-service's profile worker applies ${int(consumer.events)} \`user.created\``,
      `${int(consumer.service.perSecond)} events/s`,
      `${int(baseline.perSecond)} events/s: raw ReceiveMessage(10) + DeleteMessageBatch, ${baseline.pollers} ${baseline.pollers === 1 ? 'poller' : 'pollers'} (best of ${baseline.runs.map((run) => run.pollers).join('/')})`,
      fixed(ratio(consumer.service.perSecond, baseline.perSecond)),
      '≥ 2,000 events/s',
      verdict('consumer events/s'),
    ]);
    rows.push(['', '', '', '', '≥ 0.50 of raw', verdict('consumer vs raw drain')]);
  }
  if (relay) {
    const baseline = relay.baseline;
    rows.push([
      `relay: the auth-service publishes ${int(relay.events)} pending outbox rows`,
      `${int(relay.service.perSecond)} events/s`,
      `${int(baseline.perSecond)} events/s: raw PublishBatch (10 a call), ${baseline.inFlight} in flight (best of ${baseline.runs.map((run) => run.inFlight).join('/')})`,
      fixed(ratio(relay.service.perSecond, baseline.perSecond)),
      '≥ 0.50 of raw',
      verdict('relay vs raw PublishBatch'),
    ]);
  }
  if (latency) {
    const base = latency.baseline.latencyMs;
    const phaseRows = (
      title: string,
      phase: LatencyPhase,
      targets: Partial<Record<'p50' | 'p99', [string, string]>>,
    ) => {
      for (const key of ['p50', 'p95', 'p99'] as const) {
        const value = phase.latencyMs[key];
        const target = targets[key as 'p50' | 'p99'];
        rows.push([
          key === 'p50' ? `${title}: ${key}` : `  ″ ${key}`,
          ms(value),
          `${ms(base[key])}: SNS Publish → SQS receive ${key}`,
          `${fixed(ratio(value, base[key]), 1)}× (+${ms(value - base[key])})`,
          target?.[0] ?? '',
          target ? verdict(target[1]) : '',
        ]);
      }
    };
    phaseRows(
      `register→profile, ${int(latency.low.accounts)} accounts at ${latency.low.requestedPerSecond}/s`,
      latency.low,
      {
        p50: ['≤ 20 ms', 'register→profile p50 at a low rate'],
        p99: ['≤ 100 ms', 'register→profile p99 at a low rate'],
      },
    );
    phaseRows(
      `register→profile, ${int(latency.sustained.accounts)} accounts ${latency.sustained.concurrency} at a time (${latency.sustained.achievedPerSecond.toFixed(1)}/s achieved)`,
      latency.sustained,
      {},
    );
  }
  const { reads, auth } = report;
  if (reads) {
    const loadRow = (
      title: string,
      service: LoadResult,
      baseline: LoadResult,
      what: string,
      target: string,
      name: string,
    ) =>
      rows.push([
        title,
        httpRate(service, 'req/s'),
        `${httpRate(baseline, 'req/s')}: ${what}`,
        fixed(ratio(service.perSecond, baseline.perSecond)),
        target,
        name ? verdict(name) : '',
      ]);
    loadRow(
      `GET /users/me, cached, ${reads.connections} connections, ${reads.rounds} × ${Math.max(2, Math.round(reads.seconds / reads.rounds))} s`,
      reads.cached.service,
      reads.cached.baseline,
      'bare Fastify + ioredis GET of the same JSON',
      '≥ 0.50',
      'cached read vs bare',
    );
    loadRow(
      `GET /users/me, cache miss, ${int(reads.miss.users)} users once each`,
      reads.miss.service,
      reads.miss.baseline,
      'bare Fastify: Redis GET (nil) + SELECT + SET',
      '≥ 0.70',
      'miss vs bare miss',
    );
    loadRow(
      `  ″ first read of a new token (signature checked) and profile`,
      reads.cold,
      reads.miss.baseline,
      'the bare miss above',
      '',
      '',
    );
  }
  if (auth) {
    const authRow = (path: string, row: AuthRow, operation: string, target: string, name: string) =>
      rows.push([
        `${path}, ${row.concurrency} at a time, ${auth.rounds} × ${Math.max(2, Math.round(auth.seconds / auth.rounds))} s`,
        httpRate(row.service, '/s'),
        `${rateWithLatency(row.bound.perSecond, row.bound.latencyMs, '/s')}: argon2id ${operation} alone, ${row.bound.inFlight} in flight`,
        fixed(ratio(row.service.perSecond, row.bound.perSecond)),
        target,
        verdict(name),
      ]);
    for (const row of auth.login) authRow('POST /auth/login', row, 'verify', '≥ 0.90', loginName(row));
    for (const row of auth.register) authRow('POST /auth/register', row, 'hash', '≥ 0.80', registerName(row));
  }
  for (const [service, memory] of [
    ['user-service', reads?.memory],
    ['auth-service', auth?.memory],
  ] as const) {
    if (!memory) continue;
    rows.push([
      `memory: ${service} RSS`,
      `${mib(memory.idleMiB)} idle → ${mib(memory.afterLoadMiB)} after the ${service === 'user-service' ? 'reads' : 'logins and registrations'}`,
      '',
      '',
      '',
      '',
    ]);
  }
  const missed = checks.filter((check) => !check.met);
  const env = report.environment;
  const lines = [
    `# npm run bench: ${report.startedAt}`,
    '',
    `- machine: ${env.machine}; load average ${env.loadAverage.before.toFixed(1)} before the run${busy(env.loadAverage) ? ' (**the machine was busy just before: figures may be noisier than usual**)' : ''}`,
    `- Node ${env.node}; commit ${env.commit}${env.uncommitted.length ? ` with uncommitted changes in ${summarizePaths(env.uncommitted)}` : ''}`,
    `- services: ${env.services}`,
    `- SNS/SQS: ${env.emulator}`,
    ...(env.postgres ? [`- Postgres: ${env.postgres}`] : []),
    `- ${int(report.events)} events per throughput row, ${report.seconds} s per HTTP load row; the run took ${(report.durationMs / 1000).toFixed(0)} s`,
    '',
    table(['measurement', 'measured', 'baseline, same run', 'measured / baseline', 'target', 'result'], rows),
    '',
    checks.length === 0
      ? 'No targets in the stages run.'
      : missed.length === 0
        ? `**Targets: all ${checks.length} met.**`
        : `**Targets: ${checks.length - missed.length} of ${checks.length} met. MISSED: ${missed.map((check) => `${check.name} ${check.actual} (target ${check.target})`).join('; ')}.**`,
    '',
    ...details(report),
  ];
  return `${lines.join('\n')}\n`;
}

function details(report: BenchReport): string[] {
  const out: string[] = ['How each figure was taken:', ''];
  const { consumer, relay, latency } = report;
  if (consumer) {
    out.push(
      `- consumer: the ${int(consumer.events)} events were published through the topic (so each arrives wrapped as SNS delivers it, raw delivery) before the user-service started; ` +
        `rate from the first profile row seen in user_db to the last (polled every 20 ms; start-up ${seconds(consumer.service.startupMs)} before the first). ` +
        cpuText('user-service', consumer.service) +
        `Inbox rows processed: ${int(consumer.service.processedInboxRows)}; left in the queue: ${consumer.service.leftInQueue}; in the DLQ: ${consumer.service.inDeadLetterQueue}; exit on SIGTERM: ${consumer.service.exit}. ` +
        `Raw drains: ${consumer.baseline.runs.map((run) => `${run.pollers} → ${int(run.perSecond)}/s`).join(', ')}.`,
    );
  }
  if (relay) {
    out.push(
      `- relay: the ${int(relay.events)} rows were inserted by SQL before the auth-service started; rate from the first row seen published to the last (start-up ${seconds(relay.service.startupMs)} before the first). ` +
        cpuText('auth-service', relay.service) +
        `Messages that reached user-profile-events: ${int(relay.service.deliveredToQueue)}; exit on SIGTERM: ${relay.service.exit}. ` +
        `Raw PublishBatch: ${relay.baseline.runs.map((run) => `${run.inFlight} in flight → ${int(run.perSecond)}/s`).join(', ')}.`,
    );
  }
  if (latency) {
    const b = latency.baseline;
    out.push(
      (latency.low.measuredFrom === 'commit'
        ? `- register→profile: per account, from the commit of the registration in auth_db to the commit of the profile in user_db (pg_xact_commit_timestamp of each row's transaction; one server, one clock). ` +
          `The registration transaction itself (users.created_at → its commit) took p50 ${ms(latency.low.registrationTransactionMs!.p50)}, p99 ${ms(latency.low.registrationTransactionMs!.p99)} at the low rate, ` +
          `p50 ${ms(latency.sustained.registrationTransactionMs!.p50)} sustained. `
        : `- register→profile: per account, user_profiles.created_at (user_db) − users.created_at (auth_db), both set at the start of their transactions, same clock (this Postgres records no commit timestamps, so the registration transaction itself is included). `) +
        `POST /auth/register answered in p50 ${ms(latency.low.registerMs.p50)} at the low rate, p50 ${ms(latency.sustained.registerMs.p50)} sustained (argon2 included). ` +
        `Baseline: ${b.roundTrips} round trips, one every ${b.intervalMs} ms, a receiver long-polling user-profile-events (max ${ms(b.latencyMs.max)}). ` +
        `Exit on SIGTERM: ${Object.entries(latency.exits)
          .map(([name, code]) => `${name} ${code}`)
          .join(', ')}.`,
    );
    for (const [phase, title] of [
      [latency.low, 'at the low rate'],
      [latency.sustained, 'sustained'],
    ] as const)
      if (phase.split) out.push(`  - ${title}: ${splitText(phase.split, phase.measuredFrom)}`);
  }
  const { reads, auth } = report;
  const generator =
    'load from autocannon in a process of its own (bench/loadClient.ts: keep-alive connections, one request in flight on each), ' +
    'latency per response as it saw it';
  if (reads) {
    const cpu = (result: LoadResult) => `${((result.generatorCpuMs / result.elapsedMs) * 100).toFixed(0)} %`;
    out.push(
      `- reads: ${generator}; the user-service (NODE_ENV=production, its JWKS fetched from the auth-service) and the bare server (bench/bareServer.ts: ` +
        `Fastify without logger, hooks or schemas, one ioredis client, a node-postgres pool of the service's production size) each a process of its own, loaded alike. ` +
        `Cached: one user whose profile is in Redis, ${reads.rounds} rounds of bare then service, ${Math.max(2, Math.round(reads.seconds / reads.rounds))} s each, after a 2 s warm-up of each; service / bare per round ${roundList(reads.cached.roundRatios)}. ` +
        `Miss: ${int(reads.miss.users)} profiles inserted by SQL, a third of them per round, each read once by bare then by the service after its Redis key was deleted; their tokens (signed with the auth-service's key) were verified by the cold pass before; service / bare per round ${roundList(reads.miss.roundRatios)}. ` +
        `Non-2xx answers: ${['cached', 'miss', 'cold'].map((name) => `${name} ${nonSuccess(name === 'cached' ? reads.cached.service : name === 'miss' ? reads.miss.service : reads.cold, 200)}`).join(', ')}. ` +
        `Server CPU per request: cached ${cpuPerRequest(reads.cached.service)} (bare ${cpuPerRequest(reads.cached.baseline)}), miss ${cpuPerRequest(reads.miss.service)} (bare ${cpuPerRequest(reads.miss.baseline)}), cold ${cpuPerRequest(reads.cold)}. ` +
        `Load generator CPU: cached ${cpu(reads.cached.service)} of a core (bare ${cpu(reads.cached.baseline)}). ` +
        `Exit on SIGTERM: ${Object.entries(reads.exits)
          .map(([name, code]) => `${name} ${code}`)
          .join(', ')}.`,
    );
  }
  if (auth) {
    const rounds = (rows: AuthRow[]) =>
      rows
        .map(
          (row) =>
            `${row.concurrency}: ${roundList(row.roundRatios)} (argon2 alone ${row.bound.cpuMsPerOperation.toFixed(1)} ms CPU each, the service ${cpuPerRequest(row.service)} a request)`,
        )
        .join('; ');
    out.push(
      `- login and register: ${generator}; the auth-service alone (NODE_ENV=production, its outbox relay publishing to the emulator, the user-service stopped), ` +
        `a 2 s warm-up per row, each request from its own client address (X-Forwarded-For, one trusted hop); logins cycle over 8 accounts, each registration a new email. ` +
        `Bound, measured right before each row: argon2id with the parameters of a stored hash (m=${auth.argon2.memoryCost} KiB, t=${auth.argon2.timeCost}, p=${auth.argon2.parallelism}) ` +
        `in a process of its own with the library's default thread pool, as many in flight as the row but at most one per core (more only slows argon2 down). ` +
        `Each row is ${auth.rounds} rounds of bound then service, ${Math.max(2, Math.round(auth.seconds / auth.rounds))} s each, pooled; service / bound per round: login at ${rounds(auth.login)}; register at ${rounds(auth.register)}. ` +
        `Non-2xx answers: ${[...auth.login.map((row) => `login at ${row.concurrency} ${nonSuccess(row.service, 200)}`), ...auth.register.map((row) => `register at ${row.concurrency} ${nonSuccess(row.service, 201)}`)].join(', ')}. ` +
        `Exit on SIGTERM: auth-service ${auth.exit}.`,
    );
  }
  if (reads || auth)
    out.push(
      '- memory: resident set size from /proc/<pid>/status of the service process (tsx compiling the source in it), idle 2 s after it was ready and right after its last load run.',
    );
  if (consumer || relay || latency)
    out.push(
      '- raw baselines: plain AWS SDK v3 clients in a process of their own (bench/rawClient.ts), against the same emulator and topology.',
    );
  return out;
}

/** CPU per event of the service and of the emulator over the measured window. */
function cpuText(service: string, { cpu }: Throughput): string {
  if (!cpu) return '';
  return (
    `CPU per event: ${service} ${cpu.serviceMsPerItem.toFixed(2)} ms (${cpu.serviceCores.toFixed(2)} of a core), ` +
    `the bench process with the emulator ${cpu.emulatorMsPerItem.toFixed(2)} ms (${cpu.emulatorCores.toFixed(2)} of a core). `
  );
}

/** Where the latency of a phase went, cut at the outbox row's published_at (as the relay sets it). */
function splitText(
  { toPublishedMs: a, publishedToProfileMs: b }: NonNullable<LatencyPhase['split']>,
  measuredFrom: LatencyPhase['measuredFrom'],
): string {
  const [start, end] =
    measuredFrom === 'commit' ? ['registration commit', 'profile commit'] : ['users.created_at', 'profile created_at'];
  return (
    `${start} → outbox published_at (set after PublishBatch answered) p50 ${ms(a.p50)}, p99 ${ms(a.p99)}; ` +
    `published_at → ${end} p50 ${ms(b.p50)}, p99 ${ms(b.p99)}`
  );
}

/** A Markdown table with padded columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length), 3),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (cell ?? '').padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** Some other work used a sizeable share of the machine while the bench ran. */
const busy = ({ before, cpus }: BenchReport['environment']['loadAverage']) => before > cpus / 2;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (Math.abs(value) >= 100 ? `${int(value)} ms` : `${value.toFixed(1)} ms`);
const mib = (value: number | undefined) => (value === undefined ? '–' : `${int(value)} MiB`);
/** A rate with its latencies: `123 req/s (p50 1.2, p95 3.4, p99 5.6 ms)`. */
const rateWithLatency = (perSecond: number, latency: { p50: number; p95: number; p99: number }, unit: string) =>
  `${perSecond >= 100 ? int(perSecond) : perSecond.toFixed(1)} ${unit} (p50 ${latency.p50.toFixed(1)}, p95 ${latency.p95.toFixed(1)}, p99 ${latency.p99.toFixed(1)} ms)`;
const httpRate = (result: Pick<LoadResult, 'perSecond' | 'latencyMs'>, unit: string) =>
  rateWithLatency(result.perSecond, result.latencyMs, unit);
const seconds = (valueMs: number) => `${(valueMs / 1000).toFixed(1)} s`;
const fixed = (value: number | undefined, digits = 2) => (value === undefined ? '–' : value.toFixed(digits));

function summarizePaths(paths: string[]): string {
  const tops = [
    ...new Set(
      paths.map((file) =>
        file
          .split('/')
          .slice(0, file.startsWith('services/') ? 2 : 1)
          .join('/'),
      ),
    ),
  ];
  return tops.join(', ');
}
