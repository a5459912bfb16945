// First: sizes libuv's thread pool before anything starts it.
import './infrastructure/threadPool';
import { loadDotenv } from '@platform/shared/config';
import { serveUntilStopped } from '@platform/shared/service';
import { buildApp } from './app';
import { loadAuthConfig } from './infrastructure/config';

/** Long-running entry point (npm run dev, containers): serves HTTP until SIGTERM, then drains. */
// Same configuration sources as `npm run dev`: the environment, then the nearest .env (or ENV_FILE).
loadDotenv();
const config = loadAuthConfig();
void serveUntilStopped('auth-service', () => buildApp({ config }), { port: config.AUTH_PORT, host: config.AUTH_HOST });
