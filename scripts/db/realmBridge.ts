import vm from 'node:vm';

/*
 * Under Jest, test code (and pg / adapter-pg it requires) runs in a vm sandbox with its own
 * built-ins, while the wasm engine's JS bindings are loaded by Node's own loader, in the main
 * context (see loadSchemaEngine). The bindings check `value instanceof Promise` on what adapter
 * methods return; a sandbox Promise fails that check and the engine reports
 * "Error in the underlying connector (WASM_ERROR): Unknown error". So, in a sandbox only, we hand the
 * engine a view of the adapter factory whose methods return main-context Promises, recursively
 * (the factory resolves to adapters, adapters to transactions). Outside a sandbox this is a no-op.
 */
const MainPromise = vm.runInThisContext('Promise') as PromiseConstructor;
const inSandbox = MainPromise !== Promise;

const views = new WeakMap<object, object>();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function bridge(value: unknown): unknown {
  if (isThenable(value)) return MainPromise.resolve(value).then(bridge);
  if (typeof value !== 'object' || value === null) return value; // primitives cross realms as they are
  let view = views.get(value);
  if (!view) {
    view = new Proxy(value, {
      get(target, key) {
        const property: unknown = Reflect.get(target, key, target);
        if (typeof property !== 'function') return bridge(property);
        // Call on the real object (private fields, bound wrappers), convert what comes back.
        return (...args: unknown[]) => bridge(Reflect.apply(property, target, args));
      },
    });
    views.set(value, view);
  }
  return view;
}

/** The adapter factory as the wasm engine should see it from the current realm. */
export function forMainRealm<T extends object>(factory: T): T {
  return inSandbox ? (bridge(factory) as T) : factory;
}
