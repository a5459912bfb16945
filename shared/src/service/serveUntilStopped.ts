import type { FastifyInstance } from 'fastify';
import { startTracing, stopTracing } from '../tracing/startTracing';

/**
 * Runs a service's long-lived process (npm run dev, containers): starts tracing when the OTEL_*
 * variables ask for it, listens, and on SIGTERM or SIGINT closes the app, whose onClose hooks stop
 * workers and relays after their in-flight work, sends the last spans, then exits. A failure to
 * start exits with status 1.
 * @example serveUntilStopped('auth-service', () => buildApp({ config }), { port: 3001, host: '0.0.0.0' })
 */
export async function serveUntilStopped(
  service: string,
  build: () => Promise<FastifyInstance>,
  listen: { port: number; host: string },
): Promise<void> {
  try {
    startTracing(service);
    const app = await build();
    let closing = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight work');
      app
        .close()
        .then(() => stopTracing().catch((error: unknown) => app.log.warn({ err: error }, 'flushing spans failed')))
        .then(
          () => process.exit(0),
          (error: unknown) => {
            app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
    };
    // `on`, not `once`: wrappers relay signals (npm, tsx watch, docker's init), and a second SIGTERM
    // must not kill the process halfway through its drain.
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
    await app.listen(listen);
  } catch (error) {
    console.error(`${service} failed to start:`, error);
    process.exit(1);
  }
}
