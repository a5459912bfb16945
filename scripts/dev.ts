/**
 * `npm run dev`: the whole platform on one machine with hot reload.
 * - SNS/SQS: the endpoint in AWS_ENDPOINT_URL (e.g. LocalStack); when none is set and NODE_ENV is
 *   not production, an in-process fauxqs emulator on FAUXQS_PORT (default 4566).
 * - Provisions the topology there (idempotent), applies pending migrations, then starts every
 *   service that has a `dev` script, each with `tsx watch`, and prints where everything listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createAwsClients, resolveAwsEndpoint } from '@platform/shared/aws';
import { provisionTopology } from '@platform/shared/topology/render';
import { maskUrl } from './db/pgUrl';
import { applyMigrations } from './db/prismaWasmMigrate';
import { REPO_ROOT, selectDatabases } from './db/databases';

const services = [
  { name: 'auth-service', label: 'auth', url: () => `http://localhost:${process.env.AUTH_PORT ?? 3001}` },
  { name: 'user-service', label: 'user', url: () => `http://localhost:${process.env.USER_PORT ?? 3002}` },
];

async function main() {
  const envFile = path.join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  process.env.NODE_ENV ??= 'development';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';

  const stoppers: Array<() => Promise<unknown>> = [];
  let endpoint = resolveAwsEndpoint();
  if (!endpoint && process.env.NODE_ENV !== 'production') {
    const port = Number(process.env.FAUXQS_PORT ?? 4566);
    step(`starting the fauxqs SNS/SQS emulator on port ${port}`);
    const { startFauxqs } = await import('fauxqs');
    const server = await startFauxqs({ port, logger: false });
    stoppers.push(() => server.stop());
    endpoint = process.env.AWS_ENDPOINT_URL = server.address;
  }
  if (!endpoint) throw new Error('NODE_ENV=production needs AWS_ENDPOINT_URL; npm run dev never touches real AWS');

  step(`provisioning the topology on ${endpoint}`);
  const clients = createAwsClients({ endpoint });
  const topology = await provisionTopology({ ...clients, prefix: process.env.TOPOLOGY_PREFIX ?? '' });
  clients.destroy();
  const changes = topology.steps.filter((s) => s.action !== 'unchanged').map((s) => `${s.action} ${s.kind} ${s.name}`);
  step(changes.length ? changes.join('; ') : 'topology already up to date');

  for (const database of selectDatabases(undefined, step)) {
    const applied = await applyMigrations({ ...database, log: () => undefined });
    step(
      `${database.service}: ${maskUrl(database.databaseUrl)} ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`,
    );
  }

  const running = services.filter((service) => hasDevScript(service.name));
  const children = running.map((service) => startService(service.name, service.label));
  stoppers.push(...children.map((child) => () => stopChild(child)));

  console.log('\nThe platform is up:');
  for (const service of running)
    console.log(`  ${service.name.padEnd(17)} ${service.url()}  (API docs ${service.url()}/docs)`);
  console.log(`  SNS/SQS           ${endpoint}`);
  console.log(`  topic             ${topology.topicArn}`);
  for (const queue of Object.values(topology.queues)) console.log(`  queue             ${queue.url}`);
  for (const database of selectDatabases(undefined, () => undefined))
    console.log(`  ${database.envVar.padEnd(17)} ${maskUrl(database.databaseUrl)}`);
  console.log(`  REDIS_URL         ${maskUrl(process.env.REDIS_URL ?? '')}`);
  console.log('Ctrl-C stops everything.\n');

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    step('stopping');
    // The services drain in-flight work themselves; an emulator holding keep-alive sockets must not
    // keep this process alive after they are gone.
    setTimeout(() => process.exit(0), 15_000).unref();
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function step(message: string) {
  console.log(`[dev] ${message}`);
}

function hasDevScript(service: string) {
  const manifest = path.join(REPO_ROOT, 'services', service, 'package.json');
  return existsSync(manifest) && Boolean(JSON.parse(readFileSync(manifest, 'utf8')).scripts?.dev);
}

/**
 * Runs the service's `dev` script (tsx watch) with the environment above, its lines prefixed.
 * The script runs through `sh -c exec`, not `npm run`: npm exits at once on SIGTERM and would leave
 * tsx and the server running; tsx watch itself relays one SIGTERM to the server and waits for it.
 */
function startService(service: string, label: string): ChildProcess {
  const serviceDir = path.join(REPO_ROOT, 'services', service);
  const script = JSON.parse(readFileSync(path.join(serviceDir, 'package.json'), 'utf8')).scripts.dev as string;
  const bin = [path.join(serviceDir, 'node_modules/.bin'), path.join(REPO_ROOT, 'node_modules/.bin')];
  const child = spawn('sh', ['-c', `exec ${script}`], {
    cwd: serviceDir,
    env: { ...process.env, PATH: [...bin, process.env.PATH].join(path.delimiter) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that Ctrl-C in the terminal reaches only this orchestrator, which
    // then stops each service with one SIGTERM (tsx watch treats a second one as "force kill").
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => console.log(`[${label}] ${line}`));
  }
  child.on('exit', (code, signal) => step(`${service} exited (${signal ?? code})`));
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

main().catch((error: unknown) => {
  console.error('[dev] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
