import { loadDotenv } from '@platform/shared/config';
import { serveUntilStopped } from '@platform/shared/service';
import { buildApp } from './app';
import { loadUserConfig } from './infrastructure/config';

/**
 * Long-running entry point (npm run dev, containers): serves HTTP and runs the queue workers until
 * SIGTERM, then stops polling, lets in-flight messages finish, and closes.
 */
// Same configuration sources as `npm run dev`: the environment, then the nearest .env (or ENV_FILE).
loadDotenv();
const config = loadUserConfig();
void serveUntilStopped('user-service', () => buildApp({ config, workers: config.USER_WORKERS === 'on' }), {
  port: config.USER_PORT,
  host: config.USER_HOST,
});
