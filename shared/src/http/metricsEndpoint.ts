import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError } from './errors';

/** Where GET /metrics is served: on the service port or not, on a port of its own or not, behind a token or not. */
export interface MetricsExposure {
  onServicePort: boolean;
  /** A listener of its own (the internal network), started when the app listens. */
  port?: number;
  host?: string;
  /** Required as `Authorization: Bearer <token>` wherever /metrics is served. */
  token?: string;
}

/** METRICS_PORT / METRICS_TOKEN as a MetricsExposure: without either, public only in development and test. */
export function metricsExposureFrom(config: {
  NODE_ENV: string;
  METRICS_PORT?: number;
  METRICS_HOST: string;
  METRICS_TOKEN?: string;
}): MetricsExposure {
  const { METRICS_PORT: port, METRICS_HOST: host, METRICS_TOKEN: token } = config;
  if (port !== undefined) return { onServicePort: false, port, host, token };
  if (token !== undefined) return { onServicePort: true, token };
  return { onServicePort: config.NODE_ENV === 'development' || config.NODE_ENV === 'test' };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** GET /metrics where `exposure` says; elsewhere it does not exist (404). */
export function exposeMetrics(app: FastifyInstance, registry: Registry, exposure: MetricsExposure) {
  const expected = exposure.token === undefined ? undefined : digest(`Bearer ${exposure.token}`);
  const authorized = (header: string | undefined) => !expected || timingSafeEqual(digest(header ?? ''), expected);

  if (exposure.onServicePort) {
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (!authorized(request.headers.authorization)) {
        throw new AppError(401, 'UNAUTHORIZED', 'the metrics token is required', undefined, {
          'www-authenticate': 'Bearer',
        });
      }
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
  }

  if (exposure.port === undefined) return;
  const { port, host } = exposure;
  let server: Server | undefined;
  app.addHook('onListen', async () => {
    server = createServer((request, response) => {
      const path = request.url?.split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') return void response.writeHead(404).end();
      if (!authorized(request.headers.authorization)) {
        return void response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    server.listen(port, host);
    await once(server, 'listening');
    app.log.info({ port, host }, 'metrics listening on their own port');
  });
  app.addHook('onClose', async () => {
    if (!server?.listening) return;
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  });
}
