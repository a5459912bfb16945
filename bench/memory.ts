import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB, from /proc/<pid>/status; undefined without /proc or once it is gone. */
export function processRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** A service's RSS when idle (started and ready, no load yet) and right after the stage's load. */
export interface ServiceMemory {
  idleMiB?: number;
  afterLoadMiB?: number;
}
