import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** What the bench measures against when it can run a Postgres server of its own. */
export interface PrivatePostgres {
  /** postgresql://…/postgres of the private server (a user that may create databases). */
  url: string;
  /** The server's version, for the table header. */
  version: string;
  stop(): Promise<void>;
}

/**
 * A Postgres server of the bench's own, in a temporary folder, with `track_commit_timestamp = on`:
 * register→profile latency is then measured between the two transactions' commit timestamps
 * (`pg_xact_commit_timestamp`), which only a server started with that setting records, and the
 * machine's own server is neither restarted nor reconfigured. Every other setting is initdb's
 * default, as on a fresh install. Undefined when this machine has no Postgres server binaries
 * (`pg_config --bindir`); the bench then uses the machine's server and says so.
 */
export async function startPrivatePostgres(port: number): Promise<PrivatePostgres | undefined> {
  const bin = serverBinaries();
  if (!bin) return undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pg-'));
  const dataDir = path.join(dir, 'data');
  // initdb and postgres refuse to run as root: as root, run them as the postgres account.
  const asServerUser = process.getuid?.() === 0 ? serverAccount() : undefined;
  if (process.getuid?.() === 0 && !asServerUser) return undefined;
  if (asServerUser) await chown(dir, asServerUser.uid, asServerUser.gid);
  const run = (command: string, args: string[]) =>
    execFileSync(path.join(bin, command), args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asServerUser ? { uid: asServerUser.uid, gid: asServerUser.gid } : {}),
    });
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`initdb of the bench's Postgres failed: ${stderrOf(error)}`);
  }
  const server = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir}`,
      '-c',
      'track_commit_timestamp=on',
    ],
    { stdio: 'ignore', ...(asServerUser ? { uid: asServerUser.uid, gid: asServerUser.gid } : {}) },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    // SIGINT: Postgres's fast shutdown (active sessions are ended, no recovery at the next start).
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const version = await waitAccepting(url, exited);
    return { url, version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The folder of initdb and postgres, from pg_config; undefined where there is none. */
function serverBinaries(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const bin = dir.trim();
    return existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'postgres')) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function serverAccount(): { uid: number; gid: number } | undefined {
  try {
    const [uid, gid] = ['-u', '-g'].map((flag) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
    );
    return uid && gid ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function waitAccepting(url: string, exited: Promise<void>): Promise<string> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gone) throw new Error("the bench's Postgres exited while starting");
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
      return rows[0]!.v;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the bench's Postgres did not accept connections: ${error}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || String(error);
}
