import { buildApp } from './app';
import { loadUserConfig } from './infrastructure/config';

/**
 * Long-running entry point (npm run dev, containers): serves HTTP and runs the queue workers until
 * SIGTERM, then stops polling, lets in-flight messages finish, and closes.
 */
async function main() {
  const config = loadUserConfig();
  const app = await buildApp({ config, workers: config.USER_WORKERS === 'on' });
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight work');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen({ port: config.USER_PORT, host: config.USER_HOST });
}

main().catch((error: unknown) => {
  console.error('user-service failed to start:', error);
  process.exit(1);
});
