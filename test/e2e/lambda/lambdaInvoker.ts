import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { PackagedFunction } from './packagedFunctions';

export type Invocation =
  { result: unknown; error?: undefined } | { error: { errorType: string; errorMessage: string } };

/**
 * One warm execution environment of a packaged function: a `node` process in the unzipped code's
 * folder running lambdaRuntime.cjs with the function's environment (from the packaged template)
 * plus what Lambda itself provides. Invocations are serial, like one Lambda instance; one that
 * outlives the function's timeout kills the environment and the next starts cold, as on Lambda.
 */
export function startFunctionRuntime(options: {
  fn: PackagedFunction;
  codeDir: string;
  /** What the Lambda service adds (region, credentials; here also the emulator's endpoint). */
  runtimeEnv: Record<string, string>;
  logDir: string;
}) {
  const { fn, codeDir, runtimeEnv, logDir } = options;
  const log = createWriteStream(path.join(logDir, `lambda-${fn.key}.log`), { flags: 'a' });
  let child: ChildProcess | undefined;
  let ready: Promise<void> | undefined;
  const pending = new Map<string, (invocation: Invocation) => void>();

  const start = () => {
    const started = spawn(process.execPath, [path.join(__dirname, 'lambdaRuntime.cjs')], {
      cwd: codeDir,
      env: {
        PATH: process.env.PATH,
        LANG: 'en_US.UTF-8',
        TZ: ':UTC',
        LAMBDA_TASK_ROOT: codeDir,
        _HANDLER: fn.handler,
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `e2e/[$LATEST]${randomUUID().replace(/-/g, '')}`,
        ...runtimeEnv,
        ...fn.environment,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    started.stdout!.pipe(log, { end: false });
    started.stderr!.pipe(log, { end: false });
    ready = new Promise<void>((resolve, reject) => {
      started.once('message', () => resolve());
      started.once('exit', (code, signal) => reject(new Error(`${fn.key} runtime exited (${code ?? signal}) at init`)));
    });
    ready.catch(() => undefined);
    started.on('message', (message: { id?: string } & Invocation) => {
      if (message.id) pending.get(message.id)?.(message);
    });
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      for (const [id, settle] of pending) {
        pending.delete(id);
        settle({ error: { errorType: 'Runtime.ExitError', errorMessage: `exited (${code ?? signal})` } });
      }
    });
    child = started;
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  return {
    fn,
    async invoke(event: unknown): Promise<Invocation> {
      if (!child) start();
      try {
        await ready;
      } catch (error) {
        return { error: { errorType: 'Runtime.ExitError', errorMessage: (error as Error).message } };
      }
      const id = randomUUID();
      const timeoutMs = fn.timeoutSeconds * 1000;
      const result = new Promise<Invocation>((resolve) => pending.set(id, resolve));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<Invocation>((resolve) => {
        timer = setTimeout(() => {
          pending.delete(id);
          void stop();
          resolve({ error: { errorType: 'Sandbox.Timedout', errorMessage: `timed out after ${timeoutMs} ms` } });
        }, timeoutMs);
      });
      child!.send({ id, event, requestId: id, deadline: Date.now() + timeoutMs });
      const invocation = await Promise.race([result, timedOut]);
      clearTimeout(timer);
      pending.delete(id);
      return invocation;
    },
    async stop() {
      await stop();
      log.end();
    },
  };
}

export type FunctionRuntime = ReturnType<typeof startFunctionRuntime>;
