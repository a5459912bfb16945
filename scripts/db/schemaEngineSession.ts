import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createEngineFactory } from './adapterFactory';
import { forMainRealm } from './realmBridge';
import { loadSchemaEngine, type SchemaEngine, type SchemaFilter } from './loadSchemaEngine';

export type Log = (message: string) => void;

/** No tables or enums are managed outside Prisma here (prisma.config.ts `tables.external`). */
export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface SessionOptions {
  /** Database the engine connects to (applyMigrations acts on it). */
  connectUrl: string;
  /** Database whose name and server the shadow database is derived from. */
  shadowBaseUrl: string;
  schemaPath: string;
  log?: Log;
}

export interface Session {
  engine: SchemaEngine;
  schemaFiles: { path: string; content: string }[];
}

/**
 * Engine errors carry a Rust span trace ("   0: schema_engine_wasm::...") after the message; keep
 * the human part, the migration the trace names (if any) and the Prisma error code (if any).
 */
export function engineErrorMessage(error: unknown): string {
  const { message = String(error), code } = (error ?? {}) as { message?: string; code?: string };
  const [text = '', trace = ''] = message.split(/\n\s+0: /, 2);
  const lines = text.split('\n').filter((line) => line.trim() && line.trim() !== 'external connector error');
  const migration = /migration_name="([^"]+)"/.exec(trace)?.[1];
  const prefix = migration && !text.includes(migration) ? `migration ${migration}: ` : '';
  return `${prefix}${lines.join(' ').trim()}${code ? ` (${code})` : ''}`;
}

/** Engine logs are JSON lines; only warnings and errors are worth showing to the user. */
function forwardEngineLog(log: Log | undefined): (line: string) => void {
  return (line) => {
    if (!log) return;
    try {
      const { level, fields } = JSON.parse(line) as { level?: string; fields?: { message?: string } };
      if (level === 'WARN' || level === 'ERROR') log(`schema engine ${level.toLowerCase()}: ${fields?.message}`);
    } catch {
      log(`schema engine: ${line.trim()}`);
    }
  };
}

/** Runs `fn` with a wasm schema engine, then frees it and closes every connection it opened. */
export async function withSchemaEngine<T>(options: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const schemaPath = path.resolve(options.schemaPath);
  const content = await readFile(schemaPath, 'utf8').catch((error: Error) => {
    throw new Error(`Cannot read Prisma schema ${schemaPath}: ${error.message}`);
  });
  const { SchemaEngine, holdEngine } = await loadSchemaEngine();
  const factory = createEngineFactory(options.connectUrl, options.shadowBaseUrl);
  const release = holdEngine();
  let engine: SchemaEngine | undefined;
  try {
    engine = await SchemaEngine.new(
      { datamodels: [[schemaPath, content]] },
      forwardEngineLog(options.log),
      forMainRealm(factory.bound),
    );
    return await fn({ engine, schemaFiles: [{ path: schemaPath, content }] });
  } finally {
    engine?.free();
    await factory.close().finally(release);
  }
}
