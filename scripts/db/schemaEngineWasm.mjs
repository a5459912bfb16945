// Loads Prisma's wasm schema engine once per process. Plain ESM on purpose: it is imported through
// Node's own loader (see loadSchemaEngine.ts), so even under Jest, whose test files each get a
// fresh module registry, there is one instance per process. Instantiating the wasm a second time
// against the same bindings module corrupts it (the bindings cache views of the first memory).
/* global WebAssembly */
import { readFile } from 'node:fs/promises';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';

// The wasm arms a 10 s JS timer around some database calls (a timeout guard) and never clears it,
// so a finished CLI would hang for 10 s. We keep its timers and cancel them once no engine is in use.
/** @type {Set<NodeJS.Timeout>} */
const engineTimers = new Set();
let enginesInUse = 0;

/** @param {() => void} callback @param {number} ms */
function engineSetTimeout(callback, ms) {
  const timer = setTimeout(() => {
    engineTimers.delete(timer);
    callback();
  }, ms >>> 0);
  engineTimers.add(timer);
  return timer;
}

/** Call when an engine session starts; call the returned function when it has ended. */
export function holdEngine() {
  enginesInUse++;
  return () => {
    if (--enginesInUse > 0) return;
    engineTimers.forEach(clearTimeout);
    engineTimers.clear();
  };
}

// The package entry does `import * as wasm from './schema_engine_bg.wasm'`, which needs Node's
// experimental wasm ES-module integration (an ExperimentalWarning on every run, a flag before
// Node 24). These are the same steps with the stable WebAssembly API, plus our timer import.
const bindingsUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
const bytes = await readFile(fileURLToPath(new URL('schema_engine_bg.wasm', bindingsUrl)));
/** @type {Record<string, unknown>} */
const imports = { ...bindings };
for (const name of Object.keys(imports)) if (name.startsWith('__wbg_setTimeout_')) imports[name] = engineSetTimeout;
const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports });
bindings.__wbg_set_wasm(instance.exports);
/** @type {() => void} */ (instance.exports.__wbindgen_start)();

export const { SchemaEngine, version } = bindings;
