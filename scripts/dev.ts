/**
 * `npm run dev`: the whole platform on one machine with hot reload.
 * - Refuses to start when a port it needs is taken (another `npm run dev`?), before starting anything.
 * - SNS/SQS: the endpoint in AWS_ENDPOINT_URL (e.g. LocalStack); when none is set and NODE_ENV is
 *   not production, an in-process fauxqs emulator on FAUXQS_PORT (default 4566).
 * - Provisions the topology there (idempotent), applies pending migrations, then starts every
 *   service that has a `dev` script, each with `tsx watch`, and says "The platform is up" once every
 *   service answers GET /health/ready.
 * - Ctrl-C, SIGTERM, a closed terminal (SIGHUP), a service process that exits or one that is not
 *   ready in time stop everything, saying why; each service drains its in-flight work first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createAwsClients, resolveAwsEndpoint } from '@platform/shared/aws';
import { provisionTopology } from '@platform/shared/topology/render';
import { maskUrl } from './db/pgUrl';
import { applyMigrations } from './db/prismaWasmMigrate';
import { REPO_ROOT, selectDatabases } from './db/databases';
import { superviseServices } from './dev/superviseServices';
import { takenPorts } from './dev/takenPorts';

const services = [
  { name: 'auth-service', label: 'auth', portVar: 'AUTH_PORT', defaultPort: 3001 },
  { name: 'user-service', label: 'user', portVar: 'USER_PORT', defaultPort: 3002 },
].map((service) => ({ ...service, port: () => Number(process.env[service.portVar] ?? service.defaultPort) }));
const urlOf = (service: (typeof services)[number]) => `http://localhost:${service.port()}`;

async function main() {
  const envFile = path.join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  process.env.NODE_ENV ??= 'development';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  // Mail links open the auth-service's own pages (GET /auth/email/verify, /auth/password/reset).
  process.env.PUBLIC_APP_URL ??= `http://localhost:${services[0]!.port()}`;
  // A hung-up terminal makes writes fail (EIO); that must not crash the shutdown it started.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  const running = services.filter((service) => hasDevScript(service.name));
  const startsEmulator = !resolveAwsEndpoint() && process.env.NODE_ENV !== 'production';
  const wanted = [
    ...running.map((service) => ({ port: service.port(), what: `${service.portVar}, the ${service.name}` })),
    ...(startsEmulator
      ? [{ port: Number(process.env.FAUXQS_PORT ?? 4566), what: 'FAUXQS_PORT, the SNS/SQS emulator' }]
      : []),
  ];
  const taken = await takenPorts(wanted);
  if (taken.length) {
    const list = taken.map(({ port, what }) => `  ${port} (${what})`).join('\n');
    throw new Error(
      `a port it needs is already in use, so nothing was started:\n${list}\n` +
        'Is another `npm run dev` running (stop it with Ctrl-C)? `ss -ltnp` shows which process holds a port; ' +
        'or choose other ports, e.g. AUTH_PORT=4001 USER_PORT=4002 FAUXQS_PORT=4567 npm run dev.',
    );
  }

  const stoppers: Array<() => Promise<unknown>> = [];
  let endpoint = resolveAwsEndpoint();
  if (startsEmulator) {
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

  step(`starting ${running.map((service) => service.name).join(' and ')}; waiting until each is ready`);
  const exitCode = await superviseServices(
    running.map((service) => ({
      name: service.name,
      label: service.label,
      readyUrl: `http://127.0.0.1:${service.port()}/health/ready`,
      start: () => startService(service.name),
    })),
    {
      log: step,
      print: (line) => console.log(line),
      readyTimeoutMs: Number(process.env.DEV_READY_TIMEOUT_SECONDS ?? 90) * 1000,
      onUp(readiness) {
        console.log('\nThe platform is up:');
        for (const service of running) {
          const status = readiness.find((r) => r.name === service.name)?.status;
          const note = status && status !== 'ok' ? `  ${status.toUpperCase()}: see ${urlOf(service)}/health/ready` : '';
          console.log(`  ${service.name.padEnd(17)} ${urlOf(service)}  (API reference ${urlOf(service)}/docs)${note}`);
        }
        console.log(`  SNS/SQS           ${endpoint}`);
        console.log(`  topic             ${topology.topicArn}`);
        for (const queue of Object.values(topology.queues)) console.log(`  queue             ${queue.url}`);
        for (const database of selectDatabases(undefined, () => undefined))
          console.log(`  ${database.envVar.padEnd(17)} ${maskUrl(database.databaseUrl)}`);
        console.log(`  REDIS_URL         ${maskUrl(process.env.REDIS_URL ?? '')}`);
        const mailDir = path.resolve(REPO_ROOT, 'services/user-service', process.env.MAIL_DIR ?? '.dev/mail');
        console.log(
          `  mails             ${path.relative(REPO_ROOT, mailDir)}/ (links open ${process.env.PUBLIC_APP_URL})`,
        );
        console.log('Ctrl-C stops everything.\n');
      },
    },
  );
  // The services drained in-flight work themselves; an emulator holding keep-alive sockets must not
  // keep this process alive after they are gone.
  setTimeout(() => process.exit(exitCode), 15_000).unref();
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  process.exit(exitCode);
}

function step(message: string) {
  console.log(`[dev] ${message}`);
}

function hasDevScript(service: string) {
  const manifest = path.join(REPO_ROOT, 'services', service, 'package.json');
  return existsSync(manifest) && Boolean(JSON.parse(readFileSync(manifest, 'utf8')).scripts?.dev);
}

/**
 * Runs the service's `dev` script (tsx watch) with the environment above.
 * The script runs through `sh -c exec`, not `npm run`: npm exits at once on SIGTERM and would leave
 * tsx and the server running; tsx watch itself relays one SIGTERM to the server and waits for it.
 */
function startService(service: string): ChildProcess {
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
  return child;
}

main().catch((error: unknown) => {
  console.error('[dev] failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
