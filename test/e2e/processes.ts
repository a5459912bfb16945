import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

export interface ManagedProcess {
  child: ChildProcess;
  logFile: string;
  /** The last lines the process printed (for error messages). */
  tail(lines?: number): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /**
   * Sends `signal` to the process group and waits up to `timeoutMs` for the exit; then SIGKILLs and
   * throws, because a target that does not stop on SIGTERM is a defect the suite must report.
   */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<number | string>;
}

/** A command, where it runs, and the log file `<logDir>/<name>.log` its output goes to. */
export interface ProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
}

/**
 * Starts a long-running command in its own process group (so a stop reaches npm, tsx and node alike),
 * writing its output to `<logDir>/<name>.log`.
 */
export function startProcess(options: ProcessOptions): ManagedProcess {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const recent: string[] = [];
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    recent.push(...chunk.toString('utf8').split('\n'));
    if (recent.length > 400) recent.splice(0, recent.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    logFile,
    exited,
    tail: (lines = 40) =>
      recent
        .filter((line) => line.trim())
        .slice(-lines)
        .join('\n'),
    async stop({ signal = 'SIGTERM', timeoutMs = 30_000 } = {}) {
      if (!isRunning()) return exited;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return exited;
      }
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
      const result = await Promise.race([exited, timer]);
      if (result === 'timeout') {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
        throw new Error(`${options.name} did not exit within ${timeoutMs} ms of ${signal} (see ${logFile})`);
      }
      return result;
    },
  };
}

/** Runs a command to completion, output to the log file; throws with the output's tail on failure. */
export async function runToCompletion(options: ProcessOptions): Promise<string> {
  const managed = startProcess(options);
  const code = await managed.exited;
  if (code !== 0)
    throw new Error(`${options.command} ${options.args.join(' ')} failed (${code}):\n${managed.tail(30)}`);
  return managed.tail(200);
}

/**
 * Waits until `url` answers 2xx. Fails at once if `process` exits first, with what it printed.
 */
export async function waitForHttp(
  url: string,
  { timeoutMs = 90_000, process: managed }: { timeoutMs?: number; process?: ManagedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (managed && (managed.child.exitCode !== null || managed.child.signalCode !== null))
      throw new Error(
        `exited (${managed.child.exitCode ?? managed.child.signalCode}) before ${url} answered:\n${managed.tail()}`,
      );
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${url} did not answer 2xx within ${timeoutMs} ms (last: ${last})${managed ? `\n${managed.tail()}` : ''}`,
  );
}
