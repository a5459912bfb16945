import { startTestApp, type TestApp } from '../../services/auth-service/test/testApp';
import { buildTestApp } from '../../services/user-service/test/testApp';
import { exposedMetricNames, metricNamesIn, monitoringExpressions } from './promql';

/**
 * Every metric the dashboards and the alert rules query is one the services serve: a renamed or
 * removed metric fails here instead of leaving an empty panel or an alert that can never fire.
 */
let auth: TestApp;
let users: Awaited<ReturnType<typeof buildTestApp>>;

beforeAll(async () => {
  auth = await startTestApp();
  users = await buildTestApp({ env: { TOPOLOGY_PREFIX: auth.topology.prefix } });
});
afterAll(async () => {
  await users?.app.close();
  await auth?.close();
});

/** Series Prometheus itself makes (the scrape's `up`, the alerts' state). */
const PROMETHEUS_OWN = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

it('the dashboards and alert rules query only metrics that the services serve on /metrics', async () => {
  const served = new Set([
    ...exposedMetricNames((await auth.app.inject({ method: 'GET', url: '/metrics' })).body),
    ...exposedMetricNames((await users.app.inject({ method: 'GET', url: '/metrics' })).body),
  ]);
  expect(served.has('sqs_queue_messages')).toBe(true);
  expect(served.has('outbox_unpublished_events')).toBe(true);
  const missing = monitoringExpressions().flatMap(({ where, expr }) =>
    metricNamesIn(expr)
      .filter((name) => !served.has(name) && !PROMETHEUS_OWN.has(name))
      .map((name) => `${name} (${where})`),
  );
  expect(missing).toEqual([]);
});
