import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger';
import { createBaseApp, type BaseApp, type BaseAppOptions } from '../http/createBaseApp';
import { registerHealthRoutes, type ReadinessCheck } from '../http/health';

/** What a service's `context` factory gets: the base app's logger and metrics, and how to own clients. */
export interface ServiceScope {
  logger: Logger;
  metrics: Registry;
  /**
   * A client of the service: the test's `override` when one is given (the test owns and closes it),
   * else `create()`, closed once when the app closes, after every background task has stopped, in the
   * reverse order of creation (a client is closed before the clients it was built on).
   * @example const prisma = scope.own(deps.prisma, () => createDatabase(config), (db) => db.$disconnect());
   */
  own<T>(override: T | undefined, create: () => T, close: (client: T) => unknown): T;
  /**
   * Work that runs while the app is up (queue workers, the outbox relay): started when the app is
   * ready, stopped before it closes (before any client is), in-flight work first.
   */
  background(name: string, start: () => Promise<StopBackground> | StopBackground): void;
}

export type StopBackground = () => Promise<void>;

/** One module of a service: its routes, hooks and startup work, given the service's context. */
export type ServiceModule<Context> = (app: BaseApp, context: Context) => void | Promise<void>;

export interface ServiceDefinition<Context extends object> {
  app: BaseAppOptions;
  /** Creates every client once (through `scope.own`) and returns what the modules are given. */
  context: (scope: ServiceScope) => Context | Promise<Context>;
  /** Readiness dependencies, served at /health/ready. */
  health: (context: Context) => ReadinessCheck[];
  /** Registered in this order; a module may be async (it is awaited before the next). */
  modules: ReadonlyArray<ServiceModule<Context>>;
}

export type ServiceApp<Context> = BaseApp & { readonly context: Context };

/**
 * The skeleton both services fill, the one `buildApp` behind the HTTP server, the Lambda handlers and
 * the tests: the base Fastify app (logging, errors, OpenAPI, metrics), the service's clients created
 * once and closed once, health routes, the modules, and background work tied to the app's life
 * (started on ready, stopped on close before the clients it uses). A build that fails part-way
 * closes what it had created, so a retried build (lazyApp) leaks no pool.
 * @example export const buildApp = (deps = {}) => buildService({ app: {...}, context: (scope) => ({...}), health, modules });
 */
export async function buildService<Context extends object>(
  definition: ServiceDefinition<Context>,
): Promise<ServiceApp<Context>> {
  const app = await createBaseApp(definition.app);
  const closers: Array<() => unknown> = [];
  const tasks: Array<{ name: string; start: () => Promise<StopBackground> | StopBackground }> = [];
  const running: Array<{ name: string; stop: StopBackground }> = [];
  const logger = app.log as unknown as Logger;

  const closeClients = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error }, 'closing a client failed');
      }
    }
  };

  const scope: ServiceScope = {
    logger,
    metrics: app.metrics,
    own(override, create, close) {
      if (override !== undefined) return override;
      const client = create();
      closers.push(() => close(client));
      return client;
    },
    background(name, start) {
      tasks.push({ name, start });
    },
  };

  try {
    const context = await definition.context(scope);
    app.decorate('context', context as object);
    registerHealthRoutes(app, definition.health(context));
    for (const register of definition.modules) await register(app, context);
  } catch (error) {
    await closeClients();
    await app.close();
    throw error;
  }

  app.addHook('onReady', async () => {
    for (const task of tasks) running.push({ name: task.name, stop: await task.start() });
  });
  // preClose: in-flight work finishes while Postgres, Redis and the AWS clients are still open.
  app.addHook('preClose', async () => {
    await Promise.all(
      running.splice(0).map(async ({ name, stop }) => {
        try {
          await stop();
        } catch (error) {
          logger.error({ err: error, task: name }, 'stopping background work failed');
        }
      }),
    );
  });
  app.addHook('onClose', closeClients);
  return app as unknown as ServiceApp<Context>;
}
