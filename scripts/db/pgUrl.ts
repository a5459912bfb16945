import { Client } from 'pg';

/** Name of the database a postgres URL points at (the path segment). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`Database URL has no database name: ${maskUrl(url)}`);
  return name;
}

/** Same server and credentials, other database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** URL safe to print: the password, if any, is replaced by ****. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '<invalid database URL>'; // an unparsable URL may still contain a password
  }
}

/** Masks the password of every URL inside free text (error messages from drivers, stack traces). */
export function redactUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@]+@/gi, '$1****@');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const pgCode = (error: unknown) => (error as { code?: string }).code;

/**
 * CREATE DATABASE for the database of `url`, from the server's `postgres` database (it cannot run
 * inside the database being created). Returns false if it already exists (e.g. a concurrent run).
 */
export async function createDatabase(url: string): Promise<boolean> {
  return withClient(withDatabase(url, 'postgres'), async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(databaseName(url))}`);
      return true;
    } catch (error) {
      if (pgCode(error) === '42P04') return false; // duplicate_database
      throw error;
    }
  });
}

/**
 * Creates the database of `url` if missing; returns true if it did. Connecting to the target first
 * means an existing database never needs access to the `postgres` database (managed servers).
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
    return false;
  } catch (error) {
    if (pgCode(error) !== '3D000') throw error; // anything but invalid_catalog_name is a real failure
  }
  return createDatabase(url);
}

/** Drops the database of `url` if present, closing other sessions (PostgreSQL >= 13). */
export async function dropDatabase(url: string): Promise<void> {
  await withClient(withDatabase(url, 'postgres'), (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`),
  );
}
