import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Small wrappers around the docker CLI for the `images` and `compose` targets. Everything goes
 * through the CLI a user would type, so a failure here is a failure a user would see.
 */

/** Runs `docker <args>` and resolves with its stdout; rejects with stderr (and stdout) on failure. */
export function docker(
  args: string[],
  { env, cwd, timeoutMs = 120_000 }: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'docker',
      args,
      { env: env ?? process.env, cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`docker ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}`.trim()));
        else resolve(stdout);
      },
    );
  });
}

/** Fails with a clear message when no Docker engine answers (before minutes of other setup). */
export async function requireDockerEngine(): Promise<void> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
  } catch (error) {
    throw new Error(
      `no Docker engine answers (docker info failed); start dockerd first, e.g. bash scripts/docker/setup-docker.sh\n${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

/**
 * The PEM text for the Dockerfile's EXTRA_CA_CERTS build argument: EXTRA_CA_CERTS from the
 * environment, else the machine's extra CA certificates (/usr/local/share/ca-certificates), which
 * npm inside the build needs when TLS leaves the machine through an intercepting proxy. CA
 * certificates are public; they only reach the build stages, never the runtime image.
 */
export function extraCaCerts(): { pem: string; source: string } {
  if (process.env.EXTRA_CA_CERTS) return { pem: process.env.EXTRA_CA_CERTS, source: 'EXTRA_CA_CERTS' };
  const dir = '/usr/local/share/ca-certificates';
  if (!existsSync(dir)) return { pem: '', source: 'none' };
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.crt'));
  const pem = files.map((file) => readFileSync(path.join(dir, file), 'utf8').trim()).join('\n');
  return { pem, source: files.length ? `${files.length} certificate(s) in ${dir}` : 'none' };
}

/** `{{.State.Health.Status}}` of a container until it reads healthy; throws if it exits or turns unhealthy. */
export async function waitForHealthy(container: string, { timeoutMs = 120_000 } = {}): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [status = '', health = ''] = (
      await docker([
        'inspect',
        '--format',
        '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}',
        container,
      ])
    )
      .trim()
      .split(' ');
    if (health === 'healthy') return Date.now() - started;
    if (status !== 'running' || health === 'unhealthy') {
      const logs = await docker(['logs', '--tail', '30', container]).catch(() => '');
      throw new Error(`${container} is ${status}${health ? ` (${health})` : ''}, not healthy:\n${logs}`);
    }
    if (!health) throw new Error(`${container} has no HEALTHCHECK`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`${container} still "${health}" after ${timeoutMs / 1000} s (HEALTHCHECK never passed)`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** Megabytes, one decimal. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
