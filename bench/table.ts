import type { ConsumerResult } from './consumerBench';
import type { LatencyPhase, LatencyResult } from './latencyBench';
import type { RelayResult } from './relayBench';
import { ratio } from './stats';
import type { Throughput } from './watch';

export const STAGES = ['consumer', 'relay', 'latency'] as const;
export type Stage = (typeof STAGES)[number];

/** Everything one run measured; written as JSON beside the table. */
export interface BenchReport {
  startedAt: string;
  durationMs: number;
  events: number;
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
}

/** One target of issue 8, checked against this run. */
export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

/** The issue's targets: consumer ≥ 2,000/s and ≥ 0.5 of raw; relay ≥ 0.5 of raw; low-rate p50 ≤ 20 ms, p99 ≤ 100 ms. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const { consumer, relay, latency } = report;
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
  return checks;
}

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
    `- ${int(report.events)} events per throughput row; the run took ${(report.durationMs / 1000).toFixed(0)} s`,
    '',
    table(['measurement', 'pipeline', 'baseline, same run', 'pipeline / baseline', 'target (issue 8)', 'result'], rows),
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
