import { serveUntilStopped } from '@platform/shared';
import { buildApp } from './app';
import { loadAuthConfig } from './infrastructure/config';

/** Long-running entry point (npm run dev, containers): serves HTTP until SIGTERM, then drains. */
const config = loadAuthConfig();
void serveUntilStopped('auth-service', () => buildApp({ config }), { port: config.AUTH_PORT, host: config.AUTH_HOST });
