/* global process, console, Buffer */
// STAND-IN for LocalStack, not LocalStack: built by scripts/docker/setup-docker.sh because no container
// registry (and so no LocalStack image) can be reached on machines of this kind. It serves SNS and SQS
// from fauxqs (an SNS/SQS/S3 emulator on npm) on GATEWAY port 4566 and imitates the small part of
// LocalStack that docker-compose.dev.yml relies on:
//   GET /_localstack/health       {"services": {"sns": "running", "sqs": "running"}, ...}
//   GET /_localstack/init[/STAGE] {"completed": bool, "scripts": [{"stage", "name", "state"}]}
//   /etc/localstack/init/ready.d/*.sh run in name order once SNS/SQS answer (state RUNNING,
//   then SUCCESSFUL or ERROR), with `awslocal` on PATH.
// State lives in memory, as in the community image (which ignores PERSISTENCE, a Pro feature). fauxqs's
// own SQLite persistence is not used: with it, ChangeMessageVisibility(Batch) answers MessageNotInflight /
// ReceiptHandleIsInvalid and the message drops out of the queue's counts (fauxqs 2.4.1, seen here),
// which broke the workers' retry delays and the DLQ tooling's peek. STANDIN_PERSISTENCE=1 turns it on.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startFauxqs } from 'fauxqs';

const VERSION = '4.14.0';
const port = Number(process.env.GATEWAY_LISTEN?.split(':').pop() || 4566);
const stages = ['BOOT', 'START', 'READY', 'SHUTDOWN'];
const initRoot = process.env.LOCALSTACK_INIT_DIR || '/etc/localstack/init';
const persistence = ['1', 'true'].includes(String(process.env.STANDIN_PERSISTENCE).toLowerCase());
const dataDir = persistence ? join(process.env.LOCALSTACK_VOLUME_DIR || '/var/lib/localstack', 'fauxqs') : undefined;

/** @type {Array<{stage: string, name: string, state: string}>} */
const scripts = [];
const completed = Object.fromEntries(stages.map((stage) => [stage, false]));
let servicesState = 'starting';

function log(message) {
  console.log(`${new Date().toISOString()} localstack-stand-in: ${message}`);
}

function listScripts(stage) {
  const dir = join(initRoot, `${stage.toLowerCase()}.d`);
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.sh'))
      .sort()
      .map((name) => ({ stage, name, path: join(dir, name) }));
  } catch {
    return [];
  }
}

function runScript(script) {
  return new Promise((resolve) => {
    try {
      accessSync(script.path, constants.X_OK);
    } catch {
      log(`${script.path} is not executable (LocalStack runs .sh hooks directly): ERROR`);
      resolve(false);
      return;
    }
    const child = spawn(script.path, [], { stdio: 'inherit', env: process.env });
    child.on('error', (error) => {
      log(`${script.path}: ${error.message}`);
      resolve(false);
    });
    child.on('exit', (code) => resolve(code === 0));
  });
}

async function runStage(stage) {
  const found = listScripts(stage);
  const entries = found.map(({ name }) => ({ stage, name, state: 'UNKNOWN' }));
  scripts.push(...entries);
  for (const [i, script] of found.entries()) {
    entries[i].state = 'RUNNING';
    log(`running ${stage} script ${script.name}`);
    const ok = await runScript(script);
    entries[i].state = ok ? 'SUCCESSFUL' : 'ERROR';
    log(`${stage} script ${script.name}: ${entries[i].state}`);
  }
  completed[stage] = true;
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function answerLocalstack(req, res, path) {
  if (path === '/_localstack/health' || path === '/_localstack/health/') {
    sendJson(res, 200, {
      services: { sns: servicesState, sqs: servicesState },
      edition: 'community',
      version: `${VERSION} (stand-in: fauxqs)`,
    });
    return;
  }
  const init = /^\/_localstack\/init(?:\/([a-z]+))?\/?$/.exec(path);
  if (init) {
    const stage = init[1]?.toUpperCase();
    if (stage && !stages.includes(stage)) return sendJson(res, 404, { error: `unknown stage ${init[1]}` });
    const completion = stage ? completed[stage] : completed;
    const listed = scripts.filter((s) => !stage || s.stage === stage);
    return sendJson(res, 200, { completed: completion, scripts: listed });
  }
  sendJson(res, 404, { error: 'not implemented by the LocalStack stand-in (fauxqs: SNS/SQS only)' });
}

async function main() {
  // BOOT and START hooks run before the services answer, as in LocalStack.
  await runStage('BOOT');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const fauxqs = await startFauxqs({
    port: 0,
    logger: false,
    defaultRegion: process.env.AWS_DEFAULT_REGION || process.env.DEFAULT_REGION || 'us-east-1',
    ...(dataDir ? { dataDir } : {}),
  });
  log(`fauxqs ${dataDir ? `(state in ${dataDir}) ` : ''}on internal port ${fauxqs.port}`);

  // The gateway: /_localstack/* here, everything else to fauxqs with the Host header kept (queue URLs
  // are built from it, as LocalStack's are).
  const gateway = http.createServer((req, res) => {
    const path = (req.url || '/').split('?')[0];
    if (path.startsWith('/_localstack/')) return answerLocalstack(req, res, path);
    const upstream = http.request(
      { host: '127.0.0.1', port: fauxqs.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode || 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) sendJson(res, 502, { error: error.message });
      else res.destroy(error);
    });
    req.pipe(upstream);
  });
  gateway.keepAliveTimeout = 65_000;
  await new Promise((resolve, reject) => {
    gateway.once('error', reject);
    gateway.listen(port, '0.0.0.0', resolve);
  });
  await runStage('START');
  servicesState = 'running';
  log(`Ready. SNS/SQS on port ${port} (stand-in for LocalStack ${VERSION}: fauxqs)`);
  await runStage('READY');

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await runStage('SHUTDOWN');
    gateway.close();
    await fauxqs.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
