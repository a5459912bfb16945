import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../../scripts/db/databases';
import { docker, extraCaCerts, requireDockerEngine } from '../docker/docker';
import { E2E_ADMIN } from '../hostInfra';
import { folderMailbox } from '../mailbox';
import { runToCompletion, startProcess, waitForHttp } from '../processes';
import type { Target } from '../target';

/** Host ports of this target: none of the machine's (5432, 6379) or the compose defaults (3001, ...). */
const HOST_PORTS = {
  AUTH_HOST_PORT: 13501,
  USER_HOST_PORT: 13502,
  POSTGRES_AUTH_HOST_PORT: 13533,
  POSTGRES_USER_HOST_PORT: 13535,
  REDIS_HOST_PORT: 13579,
  SNS_SQS_HOST_PORT: 13566,
  ADMINER_HOST_PORT: 13580,
};
const APP_SERVICES = ['auth-service', 'user-service'];

/**
 * `docker compose -f docker-compose.dev.yml up -d --build` as the README says, under a project name
 * of its own and with other host ports, so it runs beside a developer's stack and the machine's
 * services. SNS/SQS is LocalStack, or fauxqs with the `compose-fauxqs` target (the compose profile,
 * with `--scale localstack=0`). Mails are read from the folder the user-service container writes
 * to through the bind mount (mails are matched by recipient; the scenario's addresses are unique).
 */
export function composeTarget(profile: '' | 'fauxqs' = ''): Target {
  return {
    name: profile ? `compose-${profile}` : 'compose',
    description: `\`docker compose -f docker-compose.dev.yml${profile ? ` --profile ${profile}` : ''} up\` (${
      profile || 'LocalStack'
    } for SNS/SQS)`,
    async start({ runId, log, logDir }) {
      await requireDockerEngine();
      const project = `e2e-${runId}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
      const profileArgs = profile ? ['--profile', profile] : [];
      const compose = ['compose', '-f', 'docker-compose.dev.yml', '-p', project, ...profileArgs];
      const ca = extraCaCerts();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...Object.fromEntries(Object.entries(HOST_PORTS).map(([name, port]) => [name, String(port)])),
        AUTH_BOOTSTRAP_ADMIN_EMAIL: E2E_ADMIN.email,
        AUTH_BOOTSTRAP_ADMIN_PASSWORD: E2E_ADMIN.password,
        USER_QUEUE_RETRY_BASE_SECONDS: '1',
        USER_QUEUE_RETRY_MAX_SECONDS: '2',
        EXTRA_CA_CERTS: ca.pem,
      };
      delete env.COMPOSE_PROFILES;
      delete env.COMPOSE_PROJECT_NAME;
      const run = (name: string, args: string[]) =>
        runToCompletion({ name, command: 'docker', args: [...compose, ...args], cwd: REPO_ROOT, env, logDir });

      const standIn = await docker([
        'image',
        'inspect',
        '--format',
        '{{json .Config.Labels}}',
        'localstack/localstack:4.14.0',
      ])
        .then((labels) => /stand-in/i.test(labels))
        .catch(() => false);
      const upArgs = ['up', '-d', '--build', ...(profile === 'fauxqs' ? ['--scale', 'localstack=0'] : [])];
      log(
        `docker compose -f docker-compose.dev.yml -p ${project}${profile ? ` --profile ${profile}` : ''} ${upArgs.join(' ')}` +
          (profile ? '' : standIn ? ' (localstack/localstack:4.14.0 here is the local fauxqs STAND-IN)' : ''),
      );
      const composeLogs = () =>
        startProcess({
          name: 'compose-logs',
          command: 'docker',
          args: [...compose, 'logs', '-f', '--no-color', '--timestamps'],
          cwd: REPO_ROOT,
          env,
          logDir,
        });
      const down = () => run('compose-down', ['down', '-v', '--rmi', 'local', '--remove-orphans']);
      const started = Date.now();
      let logs;
      const authUrl = `http://127.0.0.1:${HOST_PORTS.AUTH_HOST_PORT}`;
      const userUrl = `http://127.0.0.1:${HOST_PORTS.USER_HOST_PORT}`;
      try {
        await run('compose-up', upArgs);
        log(`compose up -d returned after ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the services`);
        logs = composeLogs();
        await waitForHttp(`${authUrl}/health/ready`, { timeoutMs: 180_000 });
        await waitForHttp(`${userUrl}/health/ready`, { timeoutMs: 180_000 });
        await waitForComposeHealthy(compose, env, APP_SERVICES);
        log(`both services healthy ${((Date.now() - started) / 1000).toFixed(1)} s after compose up`);
      } catch (error) {
        logs?.stop({ timeoutMs: 5_000 }).catch(() => undefined);
        await down().catch(() => undefined);
        throw error;
      }
      const composeOutput = logs;

      return {
        authUrl,
        userUrl,
        admin: E2E_ADMIN,
        mailbox: folderMailbox(path.join(REPO_ROOT, 'services/user-service/.dev/mail')),
        queueEnv: {
          AWS_ENDPOINT_URL: `http://127.0.0.1:${HOST_PORTS.SNS_SQS_HOST_PORT}`,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          TOPOLOGY_PREFIX: '',
        },
        extraChecks: [
          {
            name: 'hot reload: a saved source file restarts the user-service in its container, which serves again',
            run: () => checkHotReload(composeOutput.tail.bind(composeOutput), userUrl),
          },
        ],
        async stop() {
          const problems: string[] = [];
          try {
            // `stop` first (SIGTERM, stop_grace_period), so the exit codes can be read before `down`.
            const stopStarted = new Date();
            await run('compose-stop', ['stop']);
            const states = await composePs(compose, env);
            await composeOutput.exited;
            const afterStop = logLines(composeOutput.tail(400)).filter((line) => line.at >= stopStarted);
            for (const service of APP_SERVICES) {
              const state = states.find((s) => s.Service === service);
              const lines = afterStop.filter((line) => line.service === service).map((line) => line.text);
              if (!state) problems.push(`${service}: no container`);
              else if (state.ExitCode !== 0) problems.push(`${service} exited with ${state.ExitCode} on compose stop`);
              else if (!lines.some((line) => /shutting down/.test(line)))
                problems.push(`${service} exited 0 without logging its drain`);
              else if (lines.some((line) => /Force killing|didn't exit/.test(line)))
                problems.push(`${service} was killed by tsx watch before its drain finished`);
              else log(`${service}: drained on SIGTERM, exit 0`);
            }
          } finally {
            await composeOutput.stop({ timeoutMs: 5_000 }).catch(() => undefined);
            const anonymousVolumes = await docker([
              'ps',
              '-aq',
              '--filter',
              `label=com.docker.compose.project=${project}`,
            ])
              .then((ids) => ids.split('\n').filter(Boolean))
              .then((ids) =>
                ids.length
                  ? docker([
                      'inspect',
                      '--format',
                      '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}',
                      ...ids,
                    ])
                  : '',
              )
              .then((names) => names.split(/\s+/).filter(Boolean))
              .catch(() => [] as string[]);
            await down();
            const leftContainers = await docker([
              'ps',
              '-aq',
              '--filter',
              `label=com.docker.compose.project=${project}`,
            ]);
            const leftVolumes = (await docker(['volume', 'ls', '-q']))
              .split('\n')
              .filter((name) => name.startsWith(`${project}_`) || anonymousVolumes.includes(name));
            if (leftContainers.trim()) problems.push(`containers left behind: ${leftContainers.trim()}`);
            if (leftVolumes.length) problems.push(`volumes left behind: ${leftVolumes.join(' ')}`);
          }
          if (problems.length) throw new Error(problems.join('; '));
        },
      };
    },
  };
}

export const target: Target = composeTarget();

/**
 * `docker compose logs --timestamps --no-color` lines: `user-service-1  | 2026-...Z text`. Compose
 * still writes terminal escapes (erase-line) before some lines, and tsx colours its own; both go.
 */
function logLines(output: string): Array<{ service: string; at: Date; text: string }> {
  // eslint-disable-next-line no-control-regex
  const escapes = /\u001b\[[0-9;?]*[A-Za-z]/g;
  return output.split('\n').flatMap((line) => {
    const match = /^(\S+?)-\d+\s+\|\s+(\S+)\s(.*)$/.exec(line.replace(escapes, ''));
    return match ? [{ service: match[1]!, at: new Date(match[2]!), text: match[3]! }] : [];
  });
}

interface ComposeContainerState {
  Service: string;
  State: string;
  Health?: string;
  ExitCode: number;
}

/** `docker compose ps -a --format json`: one JSON object a line (compose 2.21+) or one array (older). */
async function composePs(compose: string[], env: NodeJS.ProcessEnv): Promise<ComposeContainerState[]> {
  const output = (await docker([...compose, 'ps', '-a', '--format', 'json'], { env, cwd: REPO_ROOT })).trim();
  if (!output) return [];
  if (output.startsWith('[')) return JSON.parse(output) as ComposeContainerState[];
  return output.split('\n').map((line) => JSON.parse(line) as ComposeContainerState);
}

/** Waits until compose reports each service's container healthy (its compose healthcheck passed). */
async function waitForComposeHealthy(compose: string[], env: NodeJS.ProcessEnv, services: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const states = await composePs(compose, env);
    const pending = services.filter((service) => states.find((s) => s.Service === service)?.Health !== 'healthy');
    if (!pending.length) return;
    if (Date.now() > deadline) throw new Error(`not healthy within 120 s: ${pending.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * Appends a comment to a user-service source file on the host; tsx watch inside the container sees
 * it through the bind mount and restarts the service, which must serve again. The file is restored
 * exactly (if someone else changed it meanwhile, only the probe line is taken out) once the new
 * process listens: a change while the old one still drains makes tsx SIGKILL it.
 */
async function checkHotReload(tail: (lines?: number) => string, userUrl: string): Promise<void> {
  const file = path.join(REPO_ROOT, 'services/user-service/src/routes.ts');
  const probe = `// e2e hot-reload probe ${Date.now()}\n`;
  const original = await readFile(file, 'utf8');
  const since = new Date();
  const count = (pattern: RegExp) =>
    logLines(tail(400)).filter((line) => line.service === 'user-service' && line.at >= since && pattern.test(line.text))
      .length;
  const restarted = /\[tsx\].*(Restarting|Rerunning)/;
  const listening = /Server listening at http:\/\/127\.0\.0\.1/;
  const waitFor = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`the user-service in its container: no ${what} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  try {
    await writeFile(file, `${original}${probe}`);
    await waitFor('tsx watch restart after a source change', () => count(restarted) >= 1);
    await waitFor('new process listening after the restart', () => count(listening) >= 1);
  } finally {
    const current = await readFile(file, 'utf8');
    await writeFile(file, current === `${original}${probe}` ? original : current.replace(probe, ''));
  }
  // Restoring the file is a change too: let that restart finish before the service is used again.
  await waitFor('restart after the file was restored', () => count(restarted) >= 2);
  await waitFor('process listening after the second restart', () => count(listening) >= 2);
  await waitForHttp(`${userUrl}/health/ready`, { timeoutMs: 60_000 });
}
