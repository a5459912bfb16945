import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

export interface SupervisedService {
  name: string;
  /** Prefix of its output lines, e.g. `auth`. */
  label: string;
  /** Answers 200 once the service and its critical dependencies are ready. */
  readyUrl: string;
  start: () => ChildProcess;
}

export interface Readiness {
  name: string;
  /** `ok` or `degraded` (GET /health/ready's status). */
  status: string;
}

export interface SuperviseOptions {
  /** One line of the orchestrator's own output. */
  log: (message: string) => void;
  /** One line of a service's output, already prefixed. */
  print: (line: string) => void;
  /** Called once, when every service answers its readiness URL. */
  onUp: (readiness: Readiness[]) => void;
  /** Where SIGINT, SIGTERM and SIGHUP arrive (the process). */
  signals?: Pick<EventEmitter, 'on' | 'off'>;
  readyTimeoutMs?: number;
  pollMs?: number;
  /** How long a service may take to drain after SIGTERM before it is killed. */
  stopTimeoutMs?: number;
}

const LAST_LINES = 15;

/** How each signal ends the run: the reason said, and the exit code. */
const SIGNALS: Record<string, { reason: string; code: number }> = {
  SIGINT: { reason: 'Ctrl-C', code: 0 },
  SIGTERM: { reason: 'SIGTERM', code: 0 },
  SIGHUP: { reason: 'the terminal hung up (SIGHUP)', code: 129 },
};

/**
 * Runs the services until something ends the run, and then stops all of them: Ctrl-C, SIGTERM or a
 * terminal hang-up, a service process that exits, or a service that is not ready in time. "Up" is
 * announced (onUp) only when every service answers its readiness URL with 200. Every ending says
 * why (with the last lines of a service that failed); each running service gets one SIGTERM and
 * drains (SIGKILL after stopTimeoutMs). Resolves with the exit code for the orchestrator.
 */
export async function superviseServices(services: SupervisedService[], options: SuperviseOptions): Promise<number> {
  const { log, print, signals = process, readyTimeoutMs = 90_000, pollMs = 300, stopTimeoutMs = 20_000 } = options;
  const running = services.map((service) => {
    const child = service.start();
    const lines: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > LAST_LINES) lines.shift();
        print(`[${service.label}] ${line}`);
      });
    }
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        log(`${service.name} exited (${signal ?? code})`);
        resolve();
        // A moment for its last output lines to arrive through the pipe.
        setTimeout(
          () => end(`${service.name} exited (${signal ?? code}); its last lines:\n${lines.join('\n')}`, code || 1),
          100,
        );
      }),
    );
    return { service, child, lines, exited };
  });

  let ending: { reason: string; code: number } | undefined;
  let announceEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (announceEnd = resolve));
  function end(reason: string, code: number) {
    if (ending) return;
    ending = { reason, code };
    announceEnd();
  }
  const handlers = Object.entries(SIGNALS).map(([signal, { reason, code }]) => {
    const handler = () => end(reason, code);
    signals.on(signal, handler);
    return [signal, handler] as const;
  });

  void waitUntilReady(
    running.map((r) => r.service),
    { readyTimeoutMs, pollMs, isEnding: () => Boolean(ending) },
  ).then((result) => {
    if (ending) return;
    if ('readiness' in result) options.onUp(result.readiness);
    else {
      const lines = running.find((r) => r.service.name === result.service)?.lines ?? [];
      end(`${result.problem}; its last lines:\n${lines.join('\n')}`, 1);
    }
  });

  await ended;
  log(`stopping: ${ending!.reason}`);
  for (const { child, exited } of running) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    void exited.finally(() => clearTimeout(timer));
  }
  await Promise.all(running.map((r) => r.exited));
  for (const [signal, handler] of handlers) signals.off(signal, handler);
  return ending!.code;
}

async function waitUntilReady(
  services: SupervisedService[],
  options: { readyTimeoutMs: number; pollMs: number; isEnding: () => boolean },
): Promise<{ readiness: Readiness[] } | { service: string; problem: string }> {
  const deadline = Date.now() + options.readyTimeoutMs;
  const readiness: Readiness[] = [];
  for (const service of services) {
    let last = 'no answer yet';
    for (;;) {
      if (options.isEnding()) return { readiness };
      try {
        const response = await fetch(service.readyUrl, { signal: AbortSignal.timeout(3_000) });
        const body = (await response.json().catch(() => ({}))) as { status?: string; checks?: object };
        if (response.status === 200) {
          readiness.push({ name: service.name, status: body.status ?? 'ok' });
          break;
        }
        last = `${response.status} ${JSON.stringify(body)}`;
      } catch (error) {
        last = `no answer (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : error})`;
      }
      if (Date.now() > deadline)
        return {
          service: service.name,
          problem: `${service.name} was not ready within ${options.readyTimeoutMs / 1000} s (${service.readyUrl}: ${last})`,
        };
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  }
  return { readiness };
}
