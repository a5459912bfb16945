import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../../scripts/db/databases';
import { E2E_ADMIN, startProductionHostStack } from '../hostInfra';
import { runToCompletion, startProcess, waitForHttp, type ManagedProcess } from '../processes';
import type { Target } from '../target';

const AUTH_PORT = 13201;
const USER_PORT = 13202;

/**
 * `npm run build`, then each service's bundle started exactly as the runtime image starts it
 * (`node dist/server.js` in the service's folder, NODE_ENV=production), configured from an env file
 * (ENV_FILE, read like .env) plus the environment for the secret, against the machine's Postgres
 * and Redis, an emulator and an SMTP sink.
 */
export const target: Target = {
  name: 'bundle',
  description: '`npm run build`, then `node dist/server.js` per service as the runtime image runs it',
  async start({ runId, log, logDir }) {
    log('npm run build');
    await runToCompletion({
      name: 'npm-run-build',
      command: 'npm',
      args: ['run', 'build'],
      cwd: REPO_ROOT,
      env: process.env,
      logDir,
    });
    const authUrl = `http://127.0.0.1:${AUTH_PORT}`;
    const userUrl = `http://127.0.0.1:${USER_PORT}`;
    const stack = await startProductionHostStack({ runId, redisIndex: 12, topologyPrefix: 'e2e-bundle-', authUrl });
    // The signing key comes from the environment, as a secret would; everything else from the file.
    const all: Record<string, string> = {
      ...stack.env,
      AUTH_PORT: String(AUTH_PORT),
      USER_PORT: String(USER_PORT),
      AUTH_HOST: '127.0.0.1',
      USER_HOST: '127.0.0.1',
    };
    const { AUTH_SIGNING_KEYS, AUTH_ACTIVE_SIGNING_KEY_ID, ...settings } = all;
    const envFile = path.join(logDir, 'bundle.env');
    await writeFile(
      envFile,
      Object.entries(settings)
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .join('\n'),
      { mode: 0o600 },
    );
    // Only what a process manager would give: PATH, HOME, the env file, and the secret.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ENV_FILE: envFile,
      AUTH_SIGNING_KEYS,
      AUTH_ACTIVE_SIGNING_KEY_ID,
    };
    const servers: ManagedProcess[] = [];
    const stopAll = async () => {
      const codes = await Promise.all(servers.map((server) => server.stop({ signal: 'SIGTERM', timeoutMs: 30_000 })));
      await stack.stop();
      return codes;
    };
    try {
      for (const service of ['auth-service', 'user-service']) {
        log(`node dist/server.js in services/${service}`);
        servers.push(
          startProcess({
            name: service,
            command: 'node',
            args: ['dist/server.js'],
            cwd: path.join(REPO_ROOT, 'services', service),
            env,
            logDir,
          }),
        );
      }
      await waitForHttp(`${authUrl}/health/ready`, { process: servers[0] });
      await waitForHttp(`${userUrl}/health/ready`, { process: servers[1] });
    } catch (error) {
      await stopAll().catch(() => undefined);
      throw error;
    }
    const olderNode = ['/usr/bin/node', '/usr/local/bin/node'].find((binary) => {
      if (!existsSync(binary)) return false;
      const major = Number(execFileSync(binary, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }));
      return major < 24;
    });
    return {
      authUrl,
      userUrl,
      admin: E2E_ADMIN,
      mailbox: stack.mailbox,
      queueEnv: stack.queueEnv,
      extraChecks: olderNode
        ? [
            {
              name: `the bundle refuses ${olderNode} (an unsupported Node) with a message, not a crash`,
              run: async () => {
                let output = '';
                try {
                  execFileSync(olderNode, ['dist/server.js'], {
                    cwd: path.join(REPO_ROOT, 'services/auth-service'),
                    env: { PATH: process.env.PATH },
                    encoding: 'utf8',
                    stdio: 'pipe',
                  });
                } catch (error) {
                  const failure = error as { status: number | null; stderr: string };
                  if (failure.status !== 1) throw new Error(`exit ${failure.status}, expected 1: ${failure.stderr}`);
                  output = failure.stderr;
                }
                if (!/needs Node\.js >=24/.test(output)) throw new Error(`no clear refusal: ${output || 'it started'}`);
              },
            },
          ]
        : [],
      async stop() {
        const codes = await stopAll();
        const unclean = codes.map((code, i) => [servers[i]!.logFile, code] as const).filter(([, code]) => code !== 0);
        if (unclean.length) throw new Error(`not a clean exit on SIGTERM: ${JSON.stringify(unclean)}`);
      },
    };
  },
};
