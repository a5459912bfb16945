import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm';

export type { SchemaEngine, MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';

/** What schemaEngineWasm.mjs exports. */
export interface SchemaEngineModule {
  SchemaEngine: typeof SchemaEngineWasm.SchemaEngine;
  version: typeof SchemaEngineWasm.version;
  /** Call when an engine session starts; call the returned function when it has ended. */
  holdEngine(): () => void;
}

type Importer = (specifier: string) => Promise<unknown>;

/*
 * The engine is ESM (and must be a per-process singleton, see schemaEngineWasm.mjs), while this repo
 * runs as CommonJS under tsx and Jest, whose transform turns a plain `import()` into `require()`.
 * Under node/tsx an import() compiled by `new Function` is left alone and uses Node's loader. Jest
 * runs test files in a vm context without an import callback ("A dynamic import callback was invoked
 * without --experimental-vm-modules"), and its require() cannot load ESM without that flag either;
 * there we compile the import() with vm's main-context loader (Node >= 21.7), which prints one
 * ExperimentalWarning, hence not first.
 */
const viaFunction = new Function('specifier', 'return import(specifier)') as Importer;

function viaMainContextLoader(): Importer {
  const script = new vm.Script('(specifier) => import(specifier)', {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  return script.runInThisContext() as Importer;
}

async function importNative(specifier: string): Promise<unknown> {
  try {
    return await viaFunction(specifier);
  } catch (error) {
    // ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING(_FLAG): we are inside a vm context (Jest).
    if (!String((error as { code?: unknown }).code).startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')) throw error;
    return viaMainContextLoader()(specifier);
  }
}

let cached: Promise<SchemaEngineModule> | undefined;

/** The wasm schema engine (compiled and instantiated on first use, ~150 ms). */
export function loadSchemaEngine(): Promise<SchemaEngineModule> {
  cached ??= importNative(pathToFileURL(path.join(__dirname, 'schemaEngineWasm.mjs')).href).then(
    (mod) => mod as SchemaEngineModule,
    (error: unknown) => {
      cached = undefined;
      throw new Error(`Cannot load @prisma/schema-engine-wasm: ${(error as Error).message}`, { cause: error });
    },
  );
  return cached;
}
