import type { FastifyInstance } from 'fastify';
import { documentedErrorCodes } from '../http/routeDocs';

/**
 * Holds an app's answers to its OpenAPI document while tests use it: an answer whose status the
 * route does not document, or whose error code that status does not list, is recorded, and closing
 * the app then fails with the list. Every integration test becomes a check that the document tells
 * the truth (a DELETE documented as 200 that answers 204, a new error code nobody documented).
 */
export function failOnUndocumentedAnswers(app: FastifyInstance): void {
  const problems = new Set<string>();
  app.addHook('onSend', async (request, reply, payload) => {
    const responses = request.routeOptions.schema?.response as Record<string, unknown> | undefined;
    // A client that went away (a body sent too slowly, cut off by the server's 408) gets no answer at all.
    if (!responses || request.raw.destroyed) return payload;
    const route = `${request.method} ${request.routeOptions.url}`;
    const schema = responses[String(reply.statusCode)];
    if (!schema) {
      problems.add(`${route} answered ${reply.statusCode}, a status it does not document`);
      return payload;
    }
    const codes = documentedErrorCodes(schema);
    if (codes && typeof payload === 'string') {
      const code = (JSON.parse(payload) as { error?: { code?: string } }).error?.code ?? '(none)';
      if (!codes.includes(code))
        problems.add(`${route} answered ${reply.statusCode} ${code}, which it does not list (${codes.join(', ')})`);
    }
    return payload;
  });
  app.addHook('onClose', async () => {
    if (problems.size) throw new Error(`answers the OpenAPI document does not describe:\n${[...problems].join('\n')}`);
  });
}
