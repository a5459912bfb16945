import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../../scripts/db/databases';
import { commonServiceEnv, E2E_ADMIN, freshDatabases, freshRedisDatabase } from '../hostInfra';
import { folderMailbox } from '../mailbox';
import { startProcess, waitForHttp } from '../processes';
import type { Target } from '../target';

const AUTH_PORT = 13101;
const USER_PORT = 13102;
const FAUXQS_PORT = 13166;

/**
 * `npm run dev` exactly as a developer runs it: it starts its own fauxqs emulator, provisions the
 * topology, creates and migrates the databases, and runs both services under tsx watch. Only the
 * ports, databases, Redis database and mail folder are this run's own. Stopped with SIGINT (Ctrl-C).
 */
export const target: Target = {
  name: 'dev',
  description: "`npm run dev` (tsx watch, fauxqs started by it, the machine's Postgres and Redis)",
  async start({ runId, log, logDir }) {
    const databases = await freshDatabases(runId, { migrate: false });
    const redisUrl = await freshRedisDatabase(11);
    const mailDir = path.join(logDir, 'mail');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...databases.env,
      ...commonServiceEnv(),
      NODE_ENV: 'development',
      AUTH_PORT: String(AUTH_PORT),
      USER_PORT: String(USER_PORT),
      FAUXQS_PORT: String(FAUXQS_PORT),
      AUTH_JWKS_URL: `http://127.0.0.1:${AUTH_PORT}/.well-known/jwks.json`,
      REDIS_URL: redisUrl,
      MAIL_DIR: mailDir,
      USER_QUEUE_RETRY_BASE_SECONDS: '1',
      USER_QUEUE_RETRY_MAX_SECONDS: '2',
    };
    // `npm run dev` starts fauxqs only when no endpoint is configured.
    delete env.AWS_ENDPOINT_URL;
    delete env.LOCALSTACK_ENDPOINT;
    log('npm run dev');
    const startDev = (name: string) =>
      startProcess({ name, command: 'npm', args: ['run', 'dev'], cwd: REPO_ROOT, env, logDir });
    const dev = startDev('npm-run-dev');
    const authUrl = `http://127.0.0.1:${AUTH_PORT}`;
    const userUrl = `http://127.0.0.1:${USER_PORT}`;
    try {
      await waitForHttp(`${authUrl}/health/ready`, { process: dev });
      await waitForHttp(`${userUrl}/health/ready`, { process: dev });
      // It says so itself once both answer readiness (it polls them as above).
      const deadline = Date.now() + 30_000;
      while (!dev.tail(400).includes('The platform is up')) {
        if (Date.now() > deadline) throw new Error(`npm run dev never said "The platform is up":\n${dev.tail(30)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } catch (error) {
      await dev.stop({ signal: 'SIGKILL', timeoutMs: 5_000 }).catch(() => undefined);
      throw error;
    }
    return {
      authUrl,
      userUrl,
      admin: E2E_ADMIN,
      mailbox: folderMailbox(mailDir),
      queueEnv: {
        AWS_ENDPOINT_URL: `http://127.0.0.1:${FAUXQS_PORT}`,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        TOPOLOGY_PREFIX: '',
      },
      extraChecks: [
        {
          name: 'a second `npm run dev` fails at once, naming the taken ports; the first stays up',
          run: async () => {
            const second = startDev('npm-run-dev-second');
            const exit = await Promise.race([
              second.exited,
              new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
            ]);
            if (exit === 'still running') await second.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
            const output = second.tail(20);
            if (
              exit !== 1 ||
              !output.includes(`${AUTH_PORT} (AUTH_PORT, the auth-service)`) ||
              /platform is up/.test(output)
            )
              throw new Error(`expected exit 1 naming port ${AUTH_PORT}, got ${exit}:\n${output}`);
            await waitForHttp(`${authUrl}/health/ready`, { timeoutMs: 10_000 });
          },
        },
        {
          name: 'hot reload: a saved source file restarts the service, which serves again',
          run: () => checkHotReload(dev.tail.bind(dev), userUrl),
        },
      ],
      async stop() {
        // Ctrl-C reaches the whole foreground process group.
        const code = await dev.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
        await databases.drop();
        // A shell sees Ctrl-C as exit by SIGINT (npm re-raises it); what matters is that each service drained.
        if (code !== 0 && code !== 'SIGINT' && code !== 130)
          throw new Error(`npm run dev exited with ${code} on Ctrl-C:\n${dev.tail(20)}`);
        const output = dev.tail(400);
        for (const service of ['auth-service', 'user-service'])
          if (!new RegExp(`\\[dev\\] ${service} exited \\(0\\)`).test(output))
            throw new Error(`${service} did not drain and exit 0 on Ctrl-C:\n${dev.tail(20)}`);
        if (/Killing process/.test(output.slice(output.lastIndexOf('[dev] stopping'))))
          throw new Error(`a service was killed instead of draining:\n${dev.tail(20)}`);
        for (const url of [authUrl, userUrl]) {
          const stillUp = await fetch(`${url}/health/live`).then(
            () => true,
            () => false,
          );
          if (stillUp) throw new Error(`${url} still answers after npm run dev stopped`);
        }
      },
    };
  },
};

/** Appends a comment to a user-service file, waits for tsx watch to restart it, restores the file. */
async function checkHotReload(tail: (lines?: number) => string, userUrl: string): Promise<void> {
  const file = path.join(REPO_ROOT, 'services/user-service/src/server.ts');
  const original = await readFile(file, 'utf8');
  const restarts = () =>
    tail(400)
      .split('\n')
      .filter((line) => /\[user\].*restart/i.test(line)).length;
  const before = restarts();
  try {
    await writeFile(file, `${original}// e2e hot-reload probe\n`);
    const deadline = Date.now() + 30_000;
    while (restarts() === before) {
      if (Date.now() > deadline) throw new Error('tsx watch did not restart the user-service within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await writeFile(file, original);
  }
  await waitForHttp(`${userUrl}/health/ready`, { timeoutMs: 60_000 });
}
