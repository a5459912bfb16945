import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../services/auth-service/test/fauxqsProcess';

const run = promisify(execFile);

/** The server binaries of the machine's PostgreSQL (Debian: /usr/lib/postgresql/<major>/bin), newest first. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = majors.map((major) => path.join(root, major, 'bin')).find((bin) => existsSync(path.join(bin, 'pg_ctl')));
  if (!dir)
    throw new Error(
      'outage tests start a Postgres of their own and need its server binaries (initdb, pg_ctl) under ' +
        '/usr/lib/postgresql/<version>/bin: apt-get install postgresql',
    );
  return dir;
}

/**
 * A Postgres server of the test's own (a temporary cluster on a free port, trust authentication),
 * so that a test can stop it and start it again: never the shared one on 5432. initdb refuses root,
 * so as root the cluster belongs to the `postgres` user. `stop()` is an immediate shutdown (as a
 * crash or a failover looks to clients); `start()` brings the same data back.
 */
export async function startDedicatedPostgres() {
  const bin = postgresBinDir();
  const asRoot = userInfo().uid === 0;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pg-outage-'));
  const postgresUser = asRoot ? await run('id', ['-u', 'postgres']).then(({ stdout }) => Number(stdout.trim())) : 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-g', 'postgres']);
    await chown(dataDir, postgresUser, Number(stdout.trim()));
  }
  await chmod(dataDir, 0o700);
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=50`;
  const start = () =>
    exec('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '30', '-l', path.join(dataDir, 'log'), '-o', options]);
  const stop = () => exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
  await start();
  return {
    /** postgresql://postgres@127.0.0.1:<port>/<database> */
    urlFor: (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start: async () => void (await start()),
    stop: async () => void (await stop()),
    async destroy() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type DedicatedPostgres = Awaited<ReturnType<typeof startDedicatedPostgres>>;
