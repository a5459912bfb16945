import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { superviseServices, type Readiness, type SupervisedService } from './superviseServices';

/** A stand-in service: prints, drains on SIGTERM (says so), or exits with `exitCode` after `exitAfterMs`. */
const serviceScript = `
  const exitAfterMs = Number(process.env.EXIT_AFTER_MS);
  const exitCode = Number(process.env.EXIT_CODE);
  process.on('SIGTERM', () => { console.log('drained'); process.exit(0); });
  console.log('started');
  setInterval(() => {}, 1000);
  if (exitAfterMs >= 0) setTimeout(() => { console.error('boom'); process.exit(exitCode); }, exitAfterMs);
`;

let server: Server;
let baseUrl: string;
const readyPaths = new Set<string>();
beforeAll(async () => {
  server = createServer((request, response) => {
    const ready = readyPaths.has(request.url ?? '');
    response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: ready ? 'ok' : 'unavailable' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => readyPaths.clear());

function service(name: string, { exitAfterMs = -1, exitCode = 0 } = {}): SupervisedService {
  return {
    name,
    label: name,
    readyUrl: `${baseUrl}/${name}`,
    start: () =>
      spawn(process.execPath, ['-e', serviceScript], {
        env: { ...process.env, EXIT_AFTER_MS: String(exitAfterMs), EXIT_CODE: String(exitCode) },
      }),
  };
}

function supervise(services: SupervisedService[], signals = new EventEmitter(), readyTimeoutMs = 10_000) {
  const log: string[] = [];
  const printed: string[] = [];
  let up: Readiness[] | undefined;
  let onUp: () => void = () => undefined;
  const upNow = new Promise<void>((resolve) => (onUp = resolve));
  const done = superviseServices(services, {
    log: (line) => log.push(line),
    print: (line) => printed.push(line),
    onUp: (readiness) => {
      up = readiness;
      onUp();
    },
    signals,
    readyTimeoutMs,
    pollMs: 50,
  });
  /** Resolves once every service printed that it started (signal handlers in place). */
  const started = async () => {
    while (services.some(({ label }) => !printed.includes(`[${label}] started`)))
      await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { done, log, printed, upNow, started, up: () => up };
}

describe('npm run dev: supervising the services', () => {
  it('says "up" only when every service answers its readiness URL', async () => {
    const signals = new EventEmitter();
    const run = supervise([service('auth'), service('user')], signals);
    readyPaths.add('/auth');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.up()).toBeUndefined();
    readyPaths.add('/user');
    await run.upNow;
    expect(run.up()).toEqual([
      { name: 'auth', status: 'ok' },
      { name: 'user', status: 'ok' },
    ]);
    signals.emit('SIGINT');
    await expect(run.done).resolves.toBe(0);
    expect(run.log).toContain('stopping: Ctrl-C');
  });

  it('stops everything on a hang-up (SIGHUP), each service draining', async () => {
    readyPaths.add('/auth').add('/user');
    const signals = new EventEmitter();
    const run = supervise([service('auth'), service('user')], signals);
    await run.upNow;
    await run.started();
    signals.emit('SIGHUP');
    await expect(run.done).resolves.toBe(129);
    expect(run.log).toContain('stopping: the terminal hung up (SIGHUP)');
    expect(run.printed).toEqual(expect.arrayContaining(['[auth] drained', '[user] drained']));
    expect(run.log).toEqual(expect.arrayContaining(['auth exited (0)', 'user exited (0)']));
  });

  it('stops everything when a service exits, and says which and why', async () => {
    readyPaths.add('/auth').add('/user');
    const run = supervise([service('auth'), service('user', { exitAfterMs: 200, exitCode: 3 })]);
    await expect(run.done).resolves.toBe(3);
    expect(run.log).toContain('stopping: user exited (3); its last lines:\nstarted\nboom');
    expect(run.printed).toContain('[auth] drained');
  });

  it('stops everything when a service is not ready in time, naming what it answered', async () => {
    readyPaths.add('/auth');
    const run = supervise([service('auth'), service('user')], new EventEmitter(), 2_000);
    await expect(run.done).resolves.toBe(1);
    expect(run.up()).toBeUndefined();
    expect(run.log.find((line) => line.startsWith('stopping:'))).toMatch(
      /^stopping: user was not ready within 2 s \(http:\/\/127.0.0.1:\d+\/user: 503 {"status":"unavailable"}\)/,
    );
    expect(run.printed).toEqual(expect.arrayContaining(['[auth] drained', '[user] drained']));
  });
});
