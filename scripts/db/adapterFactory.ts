import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { createPool } from './charAsTextClient';
import { createDatabase, databaseName, dropDatabase, withDatabase } from './pgUrl';

export interface EngineFactory {
  /** What SchemaEngine.new() takes: the factory wrapped by bindMigrationAwareSqlAdapterFactory. */
  bound: ReturnType<typeof bindMigrationAwareSqlAdapterFactory>;
  /** Disposes every adapter the engine opened (pools, shadow databases); safe to call twice. */
  close(): Promise<void>;
}

/**
 * An adapter-pg connection fixed for migrations: its pool maps the "char" type (see
 * charAsTextClient), and executeScript sends the script whole. adapter-pg splits scripts on every
 * `;`, which breaks `$$ ... ; ... $$` function bodies and `;` inside strings or comments; the native
 * engine sends a migration as one simple-protocol query, which PostgreSQL also runs atomically.
 */
async function connectPg(url: string): Promise<SqlDriverAdapter> {
  const pool = createPool(url);
  const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
  // onError is protected in the typings; it converts pg errors into the DriverAdapterError the engine reads.
  const toAdapterError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    await pool.query(script).catch(toAdapterError);
  };
  return adapter;
}

/** `<db>_shadow_<hex>`, cut to PostgreSQL's 63-byte identifier limit. */
export function shadowDatabaseName(url: string): string {
  return `${databaseName(url).slice(0, 40)}_shadow_${randomBytes(6).toString('hex')}`;
}

/**
 * Migration-aware factory over @prisma/adapter-pg. We provide our own connectToShadowDb because
 * PrismaPg's builds the shadow pool as `{ connectionString, database }`, and pg lets the connection
 * string win, so that "shadow" pool would point at the main database.
 */
export function createEngineFactory(databaseUrl: string, shadowBaseUrl = databaseUrl): EngineFactory {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter, cleanup?: () => Promise<void>): SqlDriverAdapter => {
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    // The engine may or may not dispose what it opened; make dispose idempotent so close() can too.
    adapter.dispose = () => {
      disposed ??= dispose()
        .finally(() => cleanup?.())
        .finally(() => open.delete(adapter));
      return disposed;
    };
    open.add(adapter);
    return adapter;
  };

  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => track(await connectPg(databaseUrl)),
    connectToShadowDb: async () => {
      const shadowUrl = withDatabase(shadowBaseUrl, shadowDatabaseName(shadowBaseUrl));
      await createDatabase(shadowUrl);
      const adapter = await connectPg(shadowUrl).catch(async (error: unknown) => {
        await dropDatabase(shadowUrl);
        throw error;
      });
      return track(adapter, () => dropDatabase(shadowUrl));
    },
  };

  return {
    bound: bindMigrationAwareSqlAdapterFactory(factory),
    close: async () => {
      await Promise.all([...open].map((adapter) => adapter.dispose()));
    },
  };
}
