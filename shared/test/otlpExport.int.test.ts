import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The OTLP exporter chosen by the standard variables sends spans to the configured endpoint. In a
 * process of its own (tsx, as `npm run dev` runs the services): the exporter loads Node's http with
 * import(), which Jest's module runtime lacks.
 */
it('exports spans over OTLP/HTTP (protobuf) to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
  const received: Array<{ path: string; type: string; bytes: number }> = [];
  const collector = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        type: request.headers['content-type'] ?? '',
        bytes: Buffer.concat(chunks).length,
      });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  }).listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const { port } = collector.address() as { port: number };
  try {
    const script = [
      `const { startTracing, withSpan, stopTracing } = require(${JSON.stringify(path.join(__dirname, '../src/tracing/index.ts'))});`,
      `if (!startTracing('auth-service')) throw new Error('tracing did not start');`,
      `withSpan('a unit of work', {}, async () => undefined).then(stopTracing);`,
    ].join('\n');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'otlp-test' },
      timeout: 20_000,
    });
    expect(received).toEqual([{ path: '/v1/traces', type: 'application/x-protobuf', bytes: expect.any(Number) }]);
    expect(received[0]!.bytes).toBeGreaterThan(0);
  } finally {
    collector.close();
  }
});
