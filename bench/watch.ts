import type { ManagedProcess } from '../test/e2e/processes';
import { ownCpuMs, processCpuMs } from './cpu';
import { liveCounter } from './progress';
import { perSecond } from './stats';

export interface Throughput {
  /** Items done between the first observed progress and the end. */
  counted: number;
  elapsedMs: number;
  perSecond: number;
  /** From the start of the watch (the process start) to the first observed progress. */
  startupMs: number;
  /**
   * CPU time over the same window, per item: of the watched service process, and of the bench
   * process (almost all of it the in-process emulator). Absent without /proc.
   */
  cpu?: { serviceMsPerItem: number; serviceCores: number; emulatorMsPerItem: number; emulatorCores: number };
}

/**
 * Polls `countDone` (a cheap SQL count) every `pollMs` until it reaches `total`, and measures the
 * rate from the first poll that saw progress to the poll that saw the end: the service's start-up
 * (tsx compiling, connecting, the first receive) is not part of the rate. Throws if `process`
 * exits, or if nothing moves for `stallMs` (the measurement broke).
 */
export async function watchUntilDone(options: {
  label: string;
  total: number;
  countDone: () => Promise<number>;
  process?: ManagedProcess;
  pollMs?: number;
  stallMs?: number;
  /** Only waiting, not measuring: all done at the first poll is fine (the rate is then 0). */
  waitOnly?: boolean;
}): Promise<Throughput> {
  const { label, total, countDone, process: managed, pollMs = 20, stallMs = 60_000, waitOnly = false } = options;
  const counter = liveCounter(label);
  const startedAt = performance.now();
  let first: { at: number; count: number; serviceCpu: number | undefined; ownCpu: number } | undefined;
  let end = { serviceCpu: undefined as number | undefined, ownCpu: 0 };
  let last = { at: startedAt, count: 0 };
  for (;;) {
    const count = await countDone();
    const now = performance.now();
    if (count > 0 && !first)
      first = { at: now, count, serviceCpu: processCpuMs(managed?.child.pid), ownCpu: ownCpuMs() };
    if (count !== last.count) {
      last = { at: now, count };
      end = { serviceCpu: processCpuMs(managed?.child.pid), ownCpu: ownCpuMs() };
    }
    const rate = first && now > first.at ? perSecond(count - first.count, now - first.at) : 0;
    counter.update(`${count}/${total}${rate ? `, ${Math.round(rate)}/s` : ''}`);
    if (count >= total) break;
    if (managed && (managed.child.exitCode !== null || managed.child.signalCode !== null))
      throw new Error(`${label}: the process exited at ${count}/${total}:\n${managed.tail(20)}`);
    if (now - last.at > stallMs)
      throw new Error(
        `${label}: no progress for ${stallMs / 1000} s at ${count}/${total} (see ${managed?.logFile ?? 'the logs'})`,
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const counted = total - first!.count;
  const elapsedMs = last.at - first!.at;
  if (waitOnly && (counted <= 0 || elapsedMs <= 0)) {
    counter.done(`${total}/${total}`);
    return { counted: 0, elapsedMs: 0, perSecond: 0, startupMs: first!.at - startedAt };
  }
  if (counted <= 0 || elapsedMs <= 0)
    throw new Error(`${label}: all ${total} were done between two polls; too few to measure (raise --events)`);
  const serviceCpuMs =
    end.serviceCpu !== undefined && first!.serviceCpu !== undefined ? end.serviceCpu - first!.serviceCpu : undefined;
  const emulatorCpuMs = end.ownCpu - first!.ownCpu;
  const result: Throughput = {
    counted,
    elapsedMs,
    perSecond: perSecond(counted, elapsedMs),
    startupMs: first!.at - startedAt,
    ...(serviceCpuMs !== undefined
      ? {
          cpu: {
            serviceMsPerItem: serviceCpuMs / counted,
            serviceCores: serviceCpuMs / elapsedMs,
            emulatorMsPerItem: emulatorCpuMs / counted,
            emulatorCores: emulatorCpuMs / elapsedMs,
          },
        }
      : {}),
  };
  counter.done(
    `${total}/${total}; ${Math.round(result.perSecond)}/s over the last ${counted} (${(elapsedMs / 1000).toFixed(2)} s)`,
  );
  return result;
}
