import { buildService, type ServiceDefinition } from '../src/service/buildService';
import { baseAppOptions } from './baseAppOptions';

const appOptions = baseAppOptions({ service: 'test-service' });

/** A service whose clients and background task record what happens to them, in order. */
function recordingService(overrides: Partial<ServiceDefinition<{ name: string }>> = {}, given?: { name: string }) {
  const events: string[] = [];
  const definition: ServiceDefinition<{ name: string }> = {
    app: appOptions,
    context(scope) {
      scope.own(
        undefined,
        () => events.push('create db'),
        () => events.push('close db'),
      );
      scope.own(
        undefined,
        () => events.push('create cache'),
        () => events.push('close cache'),
      );
      const client = scope.own(
        given,
        () => ({ name: 'own' }),
        () => events.push('close passed-in client'),
      );
      scope.background('worker', () => {
        events.push('start worker');
        return async () => {
          events.push('stop worker');
        };
      });
      return client;
    },
    health: () => [],
    modules: [(app, context) => void app.get('/name', async () => ({ name: context.name }))],
    ...overrides,
  };
  return { events, definition };
}

describe('buildService', () => {
  it('gives modules the context, starts background work when ready, and closes in reverse order after it stops', async () => {
    const { events, definition } = recordingService();
    const app = await buildService(definition);
    expect(events).toEqual(['create db', 'create cache']);

    expect((await app.inject({ method: 'GET', url: '/name' })).json()).toEqual({ name: 'own' });
    expect(app.context).toEqual({ name: 'own' });
    expect(events).toContain('start worker');

    await app.close();
    expect(events).toEqual([
      'create db',
      'create cache',
      'start worker',
      'stop worker',
      'close passed-in client',
      'close cache',
      'close db',
    ]);
  });

  it('never closes a client the caller passed in (the caller owns it)', async () => {
    const { events, definition } = recordingService({}, { name: 'given' });
    const app = await buildService(definition);
    expect(app.context).toEqual({ name: 'given' });
    await app.close();
    expect(events).not.toContain('close passed-in client');
    expect(events).toContain('close db');
  });

  it('closes what it had created when a module fails, so a retried build leaks nothing', async () => {
    const { events, definition } = recordingService({
      modules: [
        () => {
          throw new Error('signing key unreadable');
        },
      ],
    });
    await expect(buildService(definition)).rejects.toThrow('signing key unreadable');
    expect(events).toEqual(['create db', 'create cache', 'close passed-in client', 'close cache', 'close db']);
  });

  it('serves the health routes with the checks it is given', async () => {
    const { definition } = recordingService({
      health: () => [{ name: 'postgres', critical: true, check: () => Promise.reject(new Error('down')) }],
    });
    const app = await buildService(definition);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', checks: { postgres: { status: 'failed' } } });
    await app.close();
  });
});
