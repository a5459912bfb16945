import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { detachFromTestRun, freePort } from '../../services/auth-service/test/fauxqsProcess';

/**
 * A redis-server of the test's own on a free port (no persistence), so that a test can stop it and
 * start it again: never the shared one on 6379. `stop()` kills it (as a crash looks to clients);
 * `start()` starts an empty one on the same port.
 */
export async function startDedicatedRedis() {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.once('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new Error(`outage tests start a redis-server of their own (apt-get install redis-server): ${error.message}`),
        );
      });
      server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
    detachFromTestRun(server);
    child = server;
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop };
}
