/* global process, console */
// `npm start`: both built servers (services/*/dist/server.js, made by `npm run build`) as the
// runtime images run them (`node dist/server.js` in the service's folder), each configured from
// the environment and the nearest .env. Lines are prefixed with the service; SIGINT/SIGTERM are
// passed on and each server drains before this exits. One process per service in production.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(import.meta.dirname, '..');
const services = ['auth-service', 'user-service'];
const missing = services.filter((s) => !existsSync(path.join(root, 'services', s, 'dist', 'server.js')));
if (missing.length) {
  console.error(`[start] not built: ${missing.join(', ')}. Run \`npm run build\` first.`);
  process.exit(1);
}

let failed = false;
const children = services.map((service) => {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: path.join(root, 'services', service),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (line) => console.log(`[${service}] ${line}`));
  child.on('exit', (code, signal) => {
    console.log(`[start] ${service} exited (${signal ?? code})`);
    if (code !== 0) failed = true;
    // One server gone means the platform is not whole: stop the other one too.
    for (const other of children) if (other.exitCode === null && other.signalCode === null) other.kill('SIGTERM');
  });
  return child;
});

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });

await Promise.all(children.map((child) => new Promise((resolve) => child.once('close', resolve))));
process.exit(failed ? 1 : 0);
