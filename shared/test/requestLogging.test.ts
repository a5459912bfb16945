import { Writable } from 'node:stream';
import { createBaseApp } from '../src/http/createBaseApp';
import { registerHealthRoutes } from '../src/http/health';
import { baseAppOptions } from './baseAppOptions';

/** A base app whose log lines are collected as parsed JSON. */
async function appWithLog(logLevel = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  const app = await createBaseApp(baseAppOptions({ logLevel, logDestination }));
  registerHealthRoutes(app, []);
  app.get('/quiet', async () => ({ ok: true }));
  app.post('/chatty', async (request) => {
    request.log.warn({ password: 'hunter22', nested: { token: 'abc' } }, 'something to say');
    return { ok: true };
  });
  app.get('/broken', async () => {
    throw new Error('a bug');
  });
  return { app, lines };
}

describe('request logging', () => {
  it('writes one line per request, with ids, method, path without the query, status and time', async () => {
    const { app, lines } = await appWithLog();
    await app.inject({ url: '/quiet?token=secret-in-query', headers: { 'x-correlation-id': 'order-42' } });
    await app.close();
    const requestLines = lines.filter((line) => line.msg === 'request');
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: 30,
      service: 'test',
      correlationId: 'order-42',
      method: 'GET',
      url: '/quiet',
      statusCode: 200,
    });
    expect(typeof requestLines[0]!.reqId).toBe('string');
    expect(typeof requestLines[0]!.responseTimeMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret-in-query');
  });

  it('logs nothing for health probes and metrics scrapes', async () => {
    const { app, lines } = await appWithLog();
    for (const url of ['/health/live', '/health/ready', '/metrics']) {
      expect((await app.inject({ url })).statusCode).toBe(200);
    }
    await app.close();
    expect(lines.filter((line) => line.msg === 'request')).toEqual([]);
  });

  it("a route's own line carries the request and correlation ids, with secrets redacted", async () => {
    const { app, lines } = await appWithLog();
    const response = await app.inject({ method: 'POST', url: '/chatty', headers: { 'x-correlation-id': 'c-1' } });
    await app.close();
    const said = lines.find((line) => line.msg === 'something to say');
    expect(said).toMatchObject({
      level: 40,
      reqId: response.headers['x-request-id'],
      correlationId: 'c-1',
      password: '[redacted]',
      nested: { token: '[redacted]' },
    });
    expect(JSON.stringify(lines)).not.toMatch(/hunter22|"abc"/);
  });

  it('a 5xx is an error line, next to the cause the error handler logs', async () => {
    const { app, lines } = await appWithLog();
    expect((await app.inject({ url: '/broken' })).statusCode).toBe(500);
    await app.close();
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ level: 50, statusCode: 500 });
    expect(lines.find((line) => line.msg === 'request failed')).toMatchObject({ err: { message: 'a bug' } });
  });

  it('at warn level a quiet request writes nothing', async () => {
    const { app, lines } = await appWithLog('warn');
    await app.inject({ url: '/quiet' });
    await app.close();
    expect(lines).toEqual([]);
  });
});
