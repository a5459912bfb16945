import { z } from 'zod';
import { createBaseApp } from '../src/http/createBaseApp';
import { baseAppOptions } from './baseAppOptions';

async function appWithRoute() {
  const app = await createBaseApp(baseAppOptions());
  app.post(
    '/things/:id',
    { schema: { body: z.object({ name: z.string(), tags: z.array(z.string()).optional() }) } },
    async (request) => request.body,
  );
  return app;
}

describe('text that Postgres cannot store', () => {
  it.each([
    ['a NUL in a field', '{"name":"a\\u0000b"}', 'body.name'],
    ['an unpaired high surrogate', '{"name":"x\\ud800"}', 'body.name'],
    ['an unpaired low surrogate deep in an array', '{"name":"ok","tags":["fine","\\udc00y"]}', 'body.tags.1'],
    ['a NUL in an object key', '{"name":"ok","a\\u0000":1}', 'body.(key)'],
  ])('%s is a 400 naming the field, never a 500', async (_case, payload, field) => {
    const app = await appWithRoute();
    const response = await app.inject({
      method: 'POST',
      url: '/things/1',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field }] });
    await app.close();
  });

  it('looks at the query and the path too, and lets well-formed text through (emoji included)', async () => {
    const app = await appWithRoute();
    const query = await app.inject({ method: 'POST', url: '/things/1?q=%00', payload: { name: 'ok' } });
    expect(query.json().error.details).toEqual([{ field: 'querystring.q', message: expect.any(String) }]);
    const path = await app.inject({ method: 'POST', url: '/things/%00', payload: { name: 'ok' } });
    expect(path.json().error.details).toEqual([{ field: 'params.id', message: expect.any(String) }]);
    const fine = await app.inject({ method: 'POST', url: '/things/1', payload: { name: 'Ada 👩‍💻 Ünïcödé' } });
    expect(fine.statusCode).toBe(200);
    await app.close();
  });
});
