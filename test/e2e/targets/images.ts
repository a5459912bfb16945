import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../../scripts/db/databases';
import { docker, extraCaCerts, megabytes, requireDockerEngine, waitForHealthy } from '../docker/docker';
import { E2E_ADMIN, startProductionHostStack } from '../hostInfra';
import { runToCompletion, startProcess, waitForHttp, type ManagedProcess } from '../processes';
import type { Target } from '../target';

const AUTH_PORT = 13401;
const USER_PORT = 13402;
const SERVICES = ['auth-service', 'user-service'] as const;
type Service = (typeof SERVICES)[number];

const imageOf = (service: Service) => `user-platform/${service}:e2e`;

/**
 * The production images exactly as the README builds them (`docker build --target runtime`), run
 * with `--network host` against this machine's Postgres and Redis, an in-process fauxqs and an SMTP
 * sink, in NODE_ENV=production (the image's default) with a signing key of their own. The images do
 * not migrate (production runs `npm run db:migrate` as a deploy step); the fresh databases here are
 * migrated the same way. Secrets reach the containers through an --env-file (mode 600), never argv.
 */
export const target: Target = {
  name: 'images',
  description: 'the runtime images (`docker build --target runtime`), non-root, HEALTHCHECK healthy',
  async start({ runId, log, logDir }) {
    await requireDockerEngine();
    const ca = extraCaCerts();
    log(`docker build --target runtime (CA certificates for npm in the build: ${ca.source})`);
    for (const service of SERVICES) {
      const started = Date.now();
      await runToCompletion({
        name: `docker-build-${service}`,
        command: 'docker',
        args: [
          'build',
          '--target',
          'runtime',
          '--build-arg',
          `SERVICE=${service}`,
          '--build-arg',
          'EXTRA_CA_CERTS',
          '-t',
          imageOf(service),
          '.',
        ],
        cwd: REPO_ROOT,
        env: { ...process.env, EXTRA_CA_CERTS: ca.pem },
        logDir,
      });
      const size = Number(await docker(['image', 'inspect', '--format', '{{.Size}}', imageOf(service)]));
      log(
        `built ${imageOf(service)} in ${((Date.now() - started) / 1000).toFixed(1)} s, image size ${megabytes(size)}`,
      );
    }

    const cleanups: Array<() => Promise<unknown>> = [];
    const cleanUp = async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    };
    const containers: Record<Service, string> = {
      'auth-service': `e2e-${runId}-auth`,
      'user-service': `e2e-${runId}-user`,
    };
    const containerLogs: Partial<Record<Service, ManagedProcess>> = {};
    try {
      const authUrl = `http://127.0.0.1:${AUTH_PORT}`;
      const userUrl = `http://127.0.0.1:${USER_PORT}`;
      const stack = await startProductionHostStack({ runId, redisIndex: 14, topologyPrefix: '', authUrl });
      cleanups.push(() => stack.stop());
      // Each container gets only its own service's settings (and only the auth-service the key).
      const { AUTH_DATABASE_URL, USER_DATABASE_URL, AUTH_JWKS_URL, SMTP_URL, ...common } = stack.env;
      const {
        AUTH_SIGNING_KEYS,
        AUTH_ACTIVE_SIGNING_KEY_ID,
        AUTH_BOOTSTRAP_ADMIN_EMAIL,
        AUTH_BOOTSTRAP_ADMIN_PASSWORD,
        ...shared
      } = common;
      const envOf: Record<Service, Record<string, string | undefined>> = {
        'auth-service': {
          ...shared,
          AUTH_SIGNING_KEYS,
          AUTH_ACTIVE_SIGNING_KEY_ID,
          AUTH_BOOTSTRAP_ADMIN_EMAIL,
          AUTH_BOOTSTRAP_ADMIN_PASSWORD,
          AUTH_PORT: String(AUTH_PORT),
          AUTH_DATABASE_URL,
        },
        'user-service': { ...shared, USER_PORT: String(USER_PORT), USER_DATABASE_URL, AUTH_JWKS_URL, SMTP_URL },
      };

      for (const service of SERVICES) {
        // docker's --env-file takes each line literally (JSON keys need no quoting), one variable a line.
        const envFile = path.join(logDir, `${service}.env`);
        writeFileSync(
          envFile,
          Object.entries(envOf[service])
            .filter(([, value]) => value !== undefined)
            .map(([name, value]) => `${name}=${value}`)
            .join('\n') + '\n',
          { mode: 0o600 },
        );
        const name = containers[service];
        await docker(['rm', '-f', name]).catch(() => undefined);
        log(`docker run --network host --env-file ${path.relative(REPO_ROOT, envFile)} ${imageOf(service)}`);
        await docker(['run', '-d', '--name', name, '--network', 'host', '--env-file', envFile, imageOf(service)]);
        cleanups.push(() => docker(['rm', '-f', name]));
        containerLogs[service] = startProcess({
          name: `${service}-container`,
          command: 'docker',
          args: ['logs', '-f', name],
          cwd: REPO_ROOT,
          env: process.env,
          logDir,
        });
        await waitForHttp(`${service === 'auth-service' ? authUrl : userUrl}/health/ready`, {
          timeoutMs: 60_000,
          process: containerLogs[service],
        });
      }

      return {
        authUrl,
        userUrl,
        admin: E2E_ADMIN,
        mailbox: stack.mailbox,
        // AWS_ENDPOINT_URL, region, credentials and the (empty) topology prefix of the emulator
        queueEnv: stack.queueEnv,
        extraChecks: [
          {
            name: 'the services run as a non-root user',
            async run() {
              for (const service of SERVICES) {
                const user = (await docker(['inspect', '--format', '{{.Config.User}}', containers[service]])).trim();
                const uid = (await docker(['exec', containers[service], 'id', '-u'])).trim();
                if (!user || uid === '0') throw new Error(`${service} runs as uid ${uid} (Config.User "${user}")`);
                log(`${service}: Config.User ${user}, uid ${uid}`);
              }
            },
          },
          {
            name: 'the image HEALTHCHECK reports healthy',
            async run() {
              for (const service of SERVICES) {
                const waited = await waitForHealthy(containers[service], { timeoutMs: 90_000 });
                log(`${service}: healthy (waited ${(waited / 1000).toFixed(1)} s more)`);
              }
            },
          },
        ],
        async stop() {
          const problems: string[] = [];
          try {
            // `docker stop`: SIGTERM to node (PID 1), SIGKILL after 30 s.
            await Promise.all(SERVICES.map((service) => docker(['stop', '--time', '30', containers[service]])));
            for (const service of SERVICES) {
              await containerLogs[service]?.exited;
              const code = (await docker(['inspect', '--format', '{{.State.ExitCode}}', containers[service]])).trim();
              const output = containerLogs[service]?.tail(400) ?? '';
              if (code !== '0') problems.push(`${service} exited with ${code} on docker stop`);
              else if (!/shutting down/.test(output)) problems.push(`${service} exited 0 without draining`);
              else log(`${service}: drained on SIGTERM, exit 0`);
            }
          } finally {
            await cleanUp();
          }
          if (problems.length)
            throw new Error(
              `${problems.join('; ')}\n${Object.values(containerLogs)
                .map((p) => p.tail(10))
                .join('\n')}`,
            );
        },
      };
    } catch (error) {
      await cleanUp();
      throw error;
    }
  },
};
