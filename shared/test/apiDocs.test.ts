import { createHash } from 'node:crypto';
import { z } from 'zod';
import { createBaseApp } from '../src/http/createBaseApp';
import { conflict } from '../src/http/errors';
import { noContent } from '../src/http/responseSchemas';
import { routeDocs } from '../src/http/routeDocs';
import { apiDocumentProblems } from '../src/testing/apiDocumentProblems';
import { failOnUndocumentedAnswers } from '../src/testing/undocumentedAnswers';
import { baseAppOptions } from './baseAppOptions';

const thing = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Thing', description: 'A thing' });
const unused = z.object({ never: z.string() }).meta({ id: 'NeverUsed' });
const route = routeDocs({ THING_EXISTS: { status: 409, description: 'That thing exists' } });

async function thingsApp() {
  const app = await createBaseApp(baseAppOptions({ service: 'things', version: '1', description: 'Things' }));
  app.post(
    '/things',
    {
      schema: route({
        operationId: 'createThing',
        summary: 'Create a thing',
        tags: ['things'],
        auth: 'bearer',
        body: thing,
        response: { 201: thing },
        errors: ['THING_EXISTS'],
      }),
    },
    async (request, reply) => {
      if (request.body.name === 'taken') throw conflict('THING_EXISTS', 'exists');
      if (request.body.name === 'other') throw conflict('SOMETHING_ELSE', 'not documented');
      return reply.code(201).send(request.body);
    },
  );
  app.delete(
    '/things/:id',
    {
      schema: route({
        operationId: 'deleteThing',
        summary: 'Delete a thing',
        tags: ['things'],
        auth: 'public',
        params: z.object({ id: z.string() }),
        response: { 200: noContent },
      }),
    },
    // Documented as 200 but answering 204: the types refuse it, the test needs the mistake.
    async (_request, reply) => reply.code(204 as 200).send(null),
  );
  return app;
}

const documentOf = async (app: Awaited<ReturnType<typeof thingsApp>>) =>
  (await app.inject({ method: 'GET', url: '/docs/json' })).json();

describe('the OpenAPI document', () => {
  it('writes the components its $refs point at, and only those', async () => {
    void unused;
    const app = await thingsApp();
    const document = await documentOf(app);
    expect(Object.keys(document.components.schemas).sort()).toEqual(['Thing', 'ThingInput']);
    expect(document.paths['/things'].post.responses[201]).toMatchObject({
      description: 'A thing',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
    });
    expect(apiDocumentProblems(document)).toEqual([]);
    await app.close();
  });

  it('documents each error status with its codes, the implied ones included, and the bearer scheme', async () => {
    const app = await thingsApp();
    const operation = (await documentOf(app)).paths['/things'].post;
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(operation.responses)).toEqual(['201', '400', '401', '409', '413', '415', '500', '503']);
    const codesOf = (status: number) =>
      operation.responses[status].content['application/json'].schema.properties.error.properties.code.enum;
    expect(codesOf(400)).toEqual(['VALIDATION_FAILED', 'INVALID_JSON']);
    expect(codesOf(401)).toEqual(['MISSING_TOKEN', 'INVALID_TOKEN', 'TOKEN_REVOKED']);
    expect(codesOf(409)).toEqual(['THING_EXISTS']);
    expect(operation.responses[401].headers).toHaveProperty('WWW-Authenticate');
    expect(Object.keys(operation.responses[409].content['application/json'].examples)).toEqual(['THING_EXISTS']);
    await app.close();
  });

  it('finds what a reference UI cannot show', () => {
    const problems = apiDocumentProblems({
      paths: { '/x': { get: { responses: { 200: { description: 'OK' } } } } },
      components: { schemas: { A: { $ref: '#/components/schemas/Missing' } } },
    });
    expect(problems).toEqual([
      'dangling $ref #/components/schemas/Missing',
      'GET /x has no summary',
      'GET /x has no operationId',
      'GET /x has no tag',
      'GET /x does not say who may call it (security)',
      'GET /x documents no error answer',
    ]);
  });
});

describe('answers held to the document (failOnUndocumentedAnswers)', () => {
  it('lets documented answers through', async () => {
    const app = await thingsApp();
    failOnUndocumentedAnswers(app);
    const created = await app.inject({ method: 'POST', url: '/things', payload: { id: '1', name: 'a' } });
    const taken = await app.inject({ method: 'POST', url: '/things', payload: { id: '1', name: 'taken' } });
    expect([created.statusCode, taken.statusCode]).toEqual([201, 409]);
    await expect(app.close()).resolves.toBeUndefined();
  });

  it('fails the close on a status or an error code the route does not document', async () => {
    const app = await thingsApp();
    failOnUndocumentedAnswers(app);
    await app.inject({ method: 'POST', url: '/things', payload: { id: '1', name: 'other' } });
    await app.inject({ method: 'DELETE', url: '/things/1' });
    await expect(app.close()).rejects.toThrow(
      'POST /things answered 409 SOMETHING_ELSE, which it does not list (THING_EXISTS)\n' +
        'DELETE /things/:id answered 204, a status it does not document',
    );
  });
});

describe('the API reference at /docs', () => {
  it('serves Scalar from this service, its one inline script allowed by hash', async () => {
    const app = await thingsApp();
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script src="js/scalar.js"');
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    const inline = [...page.body.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      ([, body]) => body!,
    );
    expect(inline).toHaveLength(1);
    const hash = createHash('sha256').update(inline[0]!).digest('base64');
    expect(page.headers['content-security-policy']).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");

    const script = await app.inject({ method: 'GET', url: '/docs/js/scalar.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.body.length).toBeGreaterThan(100_000);
    expect((await app.inject({ method: 'GET', url: '/docs' })).headers.location).toBe('/docs/');
    await app.close();
  });
});
