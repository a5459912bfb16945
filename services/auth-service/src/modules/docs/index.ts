import { renderAsyncApi } from '@platform/shared/events';
import type { BaseApp } from '@platform/shared/http';
import type { AuthContext } from '../../infrastructure/context';

/**
 * GET /docs/asyncapi.json: the AsyncAPI 3 document of the events this service publishes, next to its
 * OpenAPI at /docs, and exposed like it (API_DOCS).
 */
export function registerAsyncApiRoute(app: BaseApp, { config }: Pick<AuthContext, 'config'>) {
  if (config.API_DOCS !== 'on') return;
  const document = renderAsyncApi({ version: '0.1.0', topicName: `${config.TOPOLOGY_PREFIX}user-events` });
  app.get('/docs/asyncapi.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return document;
  });
}
