/**
 * The app of a Lambda container: built (and made ready) on the first invocation, reused while the
 * container is warm. A failed build (database unreachable at a cold start...) is not kept: the next
 * invocation builds again, instead of the container answering with the same error for its lifetime.
 * @example const app = lazyApp(() => buildApp()); export const http = async (e, c) => handle(await app.get(), e, c);
 */
export function lazyApp<App extends { ready(): PromiseLike<unknown>; close(): PromiseLike<unknown> }>(
  build: () => Promise<App>,
) {
  let current: Promise<App> | undefined;
  return {
    get(): Promise<App> {
      if (!current) {
        const building = build().then(async (app) => {
          await app.ready();
          return app;
        });
        current = building;
        building.catch(() => {
          if (current === building) current = undefined;
        });
      }
      return current;
    },
    /** Closes the app if one was built (tests; a Lambda container simply ends). */
    async close(): Promise<void> {
      const closing = current;
      current = undefined;
      const app = await closing?.catch(() => undefined);
      await app?.close();
    },
  };
}
