/**
 * The Grafana dashboards of the platform, as code (Grafana's foundation SDK): one per service and
 * one for the event flow. `npm run monitoring:dashboards` writes them to
 * monitoring/grafana/dashboards/; a test checks that the committed files are this output and that
 * every metric their queries name is one the services serve.
 */
import path from 'node:path';
import { DashboardBuilder, DatasourceVariableBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

/** Where the dashboards are committed (and where Grafana's provisioning reads them). */
export const DASHBOARDS_DIR = path.join(__dirname, '../../monitoring/grafana/dashboards');

const datasource = { type: 'prometheus', uid: '${datasource}' };

/** A query and its legend. */
type Query = [expr: string, legend: string];

const queries = (list: Query[]) =>
  list.map(([expr, legend], index) =>
    new DataqueryBuilder()
      .expr(expr)
      .legendFormat(legend)
      .refId(String.fromCharCode(65 + index)),
  );

function timeseries(title: string, unit: string, list: Query[], description = '') {
  const panel = new TimeseriesBuilder()
    .title(title)
    .description(description)
    .datasource(datasource)
    .unit(unit)
    .min(0)
    .span(12)
    .height(8);
  for (const query of queries(list)) panel.withTarget(query);
  return panel;
}

function stat(title: string, unit: string, expr: string, description = '') {
  return new StatBuilder()
    .title(title)
    .description(description)
    .datasource(datasource)
    .unit(unit)
    .span(6)
    .height(4)
    .withTarget(queries([[expr, title]])[0]!);
}

function dashboard(uid: string, title: string, description: string) {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['user-platform', 'generated'])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
}

/** HTTP traffic, errors and latency of a service (its `service` label). */
function httpRow(board: DashboardBuilder, service: string) {
  const s = `service="${service}"`;
  board
    .withRow(new RowBuilder('HTTP'))
    .withPanel(
      timeseries('Requests by route', 'reqps', [
        [`sum by (method, route) (rate(http_requests_total{${s}}[$__rate_interval]))`, '{{method}} {{route}}'],
      ]),
    )
    .withPanel(
      timeseries('5xx share', 'percentunit', [
        [
          `sum(rate(http_requests_total{${s},status_code=~"5.."}[$__rate_interval])) / sum(rate(http_requests_total{${s}}[$__rate_interval]))`,
          '5xx',
        ],
        [
          `sum(rate(http_requests_total{${s},status_code=~"4.."}[$__rate_interval])) / sum(rate(http_requests_total{${s}}[$__rate_interval]))`,
          '4xx',
        ],
      ]),
    )
    .withPanel(
      timeseries('Latency p95 by route', 's', [
        [
          `histogram_quantile(0.95, sum by (le, method, route) (rate(http_request_duration_seconds_bucket{${s}}[$__rate_interval])))`,
          '{{method}} {{route}}',
        ],
      ]),
    );
}

/** Readiness, the database pool, Redis and the process. */
function dependenciesRow(board: DashboardBuilder, service: string) {
  const s = `service="${service}"`;
  board
    .withRow(new RowBuilder('Dependencies and process'))
    .withPanel(
      timeseries(
        'Readiness checks',
        'none',
        [
          [`min by (check) (health_check_up{${s}})`, '{{check}}'],
          [`min(health_ready{${s}})`, 'ready'],
        ],
        '1 = the dependency answers. ready = 0 when a critical one does not (/health/ready answers 503).',
      ),
    )
    .withPanel(
      timeseries('Database pool', 'none', [
        [`sum by (pool, state) (db_pool_connections{${s}})`, '{{pool}} {{state}}'],
        [`sum by (pool) (db_pool_waiting_requests{${s}})`, '{{pool}} waiting'],
        [`max by (pool) (db_pool_max_connections{${s}})`, '{{pool}} max'],
      ]),
    )
    .withPanel(
      timeseries('Redis', 'none', [
        [`min(redis_connected{${s}})`, 'connected'],
        [`sum(rate(redis_errors_total{${s}}[$__rate_interval]))`, 'errors/s'],
        [`sum(rate(redis_reconnects_total{${s}}[$__rate_interval]))`, 'reconnects/s'],
      ]),
    )
    .withPanel(
      timeseries('Process', 'none', [
        [`sum by (instance) (rate(process_cpu_seconds_total{${s}}[$__rate_interval]))`, 'CPU cores {{instance}}'],
        [`max by (instance) (nodejs_eventloop_lag_p99_seconds{${s}})`, 'event loop lag p99 (s) {{instance}}'],
      ]),
    );
}

function outboxPanels(board: DashboardBuilder) {
  board
    .withPanel(stat('Outbox backlog', 'none', 'sum(outbox_unpublished_events)'))
    .withPanel(stat('Oldest unpublished event', 's', 'max(outbox_oldest_unpublished_age_seconds)'))
    .withPanel(stat('Published (5m)', 'none', 'sum(increase(outbox_events_published_total[5m]))'))
    .withPanel(stat('Publish failures (5m)', 'none', 'sum(increase(outbox_publish_failures_total[5m]))'))
    .withPanel(
      timeseries('Relay', 'ops', [
        ['sum(rate(outbox_events_published_total[$__rate_interval]))', 'published/s'],
        ['sum(rate(outbox_publish_failures_total[$__rate_interval]))', 'publish failures/s'],
        ['sum(rate(outbox_relay_run_failures_total[$__rate_interval]))', 'failed runs/s'],
      ]),
    )
    .withPanel(
      timeseries('Outbox backlog and its oldest event', 'none', [
        ['sum(outbox_unpublished_events)', 'unpublished events'],
        ['max(outbox_oldest_unpublished_age_seconds)', 'oldest (s)'],
      ]),
    );
}

/** The queue consumers' outcomes and handler time (user-service). */
function consumerPanels(board: DashboardBuilder) {
  board
    .withPanel(
      timeseries('Messages handled by outcome', 'ops', [
        ['sum by (queue, outcome) (rate(queue_messages_processed_total[$__rate_interval]))', '{{queue}} {{outcome}}'],
      ]),
    )
    .withPanel(
      timeseries('Handler duration p95', 's', [
        [
          'histogram_quantile(0.95, sum by (le, queue) (rate(queue_handler_duration_seconds_bucket[$__rate_interval])))',
          '{{queue}}',
        ],
      ]),
    );
}

function authService() {
  const board = dashboard(
    'user-platform-auth-service',
    'User platform / auth-service',
    'Accounts and tokens: HTTP, logins, the outbox relay, dependencies.',
  );
  httpRow(board, 'auth-service');
  board
    .withRow(new RowBuilder('Logins'))
    .withPanel(
      timeseries('Login attempts by outcome', 'ops', [
        ['sum by (outcome) (rate(auth_login_attempts_total[$__rate_interval]))', '{{outcome}}'],
      ]),
    )
    .withPanel(
      timeseries('Failed login share', 'percentunit', [
        [
          'sum(rate(auth_login_attempts_total{outcome!="success"}[$__rate_interval])) / sum(rate(auth_login_attempts_total[$__rate_interval]))',
          'failed',
        ],
      ]),
    )
    .withRow(new RowBuilder('Outbox'));
  outboxPanels(board);
  dependenciesRow(board, 'auth-service');
  return board.build();
}

function userService() {
  const board = dashboard(
    'user-platform-user-service',
    'User platform / user-service',
    'Profiles and shopping data: HTTP, the profile cache, the queue consumers, dependencies.',
  );
  httpRow(board, 'user-service');
  board
    .withRow(new RowBuilder('Profile cache'))
    .withPanel(
      timeseries('Cache lookups by result', 'ops', [
        ['sum by (result) (rate(user_profile_cache_lookups_total[$__rate_interval]))', '{{result}}'],
        ['sum(rate(user_profile_cache_loads_total[$__rate_interval]))', 'loads from Postgres'],
      ]),
    )
    .withPanel(
      timeseries('Cache hit ratio', 'percentunit', [
        [
          'sum(rate(user_profile_cache_lookups_total{result="hit"}[$__rate_interval])) / sum(rate(user_profile_cache_lookups_total[$__rate_interval]))',
          'hits',
        ],
      ]),
    )
    .withRow(new RowBuilder('Consumers'));
  consumerPanels(board);
  dependenciesRow(board, 'user-service');
  return board.build();
}

function eventFlow() {
  const board = dashboard(
    'user-platform-event-flow',
    'User platform / event flow',
    'From a change in auth_db to its effect in the user-service: outbox, SNS, SQS queues and DLQs, event lag. ' +
      'To follow one request through all of it, turn tracing on (README: Monitoring and tracing).',
  );
  board.withRow(new RowBuilder('Outbox (auth-service)'));
  outboxPanels(board);
  board
    .withRow(new RowBuilder('Queues (SQS)'))
    .withPanel(
      stat('Dead letters', 'none', 'sum(max by (queue) (sum by (queue, instance) (sqs_queue_messages{kind="dlq"})))'),
    )
    .withPanel(
      stat(
        'Oldest queued message',
        's',
        'max(sqs_queue_oldest_message_age_seconds{kind="main"})',
        'Estimated (SQS gives the exact age only to CloudWatch): from the latest receive, or since the queue was last seen empty.',
      ),
    )
    .withPanel(
      stat(
        'Event lag p95 (5m)',
        's',
        'histogram_quantile(0.95, sum by (le) (rate(event_lag_seconds_bucket[5m])))',
        "From an event's occurredAt to its effect committed.",
      ),
    )
    .withPanel(stat('Events applied (5m)', 'none', 'sum(increase(event_lag_seconds_count[5m]))'))
    .withPanel(
      timeseries(
        'Messages per queue and state',
        'none',
        [['max by (queue, state) (sqs_queue_messages)', '{{queue}} {{state}}']],
        'visible: waiting; in_flight: received, not yet deleted (being handled, waiting for a retry, or looked at); delayed.',
      ),
    )
    .withPanel(
      timeseries('Oldest message age', 's', [['max by (queue) (sqs_queue_oldest_message_age_seconds)', '{{queue}}']]),
    )
    .withRow(new RowBuilder('Consumers (user-service)'))
    .withPanel(
      timeseries('Event lag by queue', 's', [
        [
          'histogram_quantile(0.5, sum by (le, queue) (rate(event_lag_seconds_bucket[$__rate_interval])))',
          'p50 {{queue}}',
        ],
        [
          'histogram_quantile(0.99, sum by (le, queue) (rate(event_lag_seconds_bucket[$__rate_interval])))',
          'p99 {{queue}}',
        ],
      ]),
    )
    .withPanel(
      timeseries('Events applied by type', 'ops', [
        ['sum by (type) (rate(event_lag_seconds_count[$__rate_interval]))', '{{type}}'],
      ]),
    );
  consumerPanels(board);
  return board.build();
}

/** The dashboards as files: name → JSON text. */
export function renderDashboards(): Record<string, string> {
  const boards = {
    'auth-service.json': authService(),
    'user-service.json': userService(),
    'event-flow.json': eventFlow(),
  };
  return Object.fromEntries(
    Object.entries(boards).map(([name, board]) => [name, `${JSON.stringify(board, null, 2)}\n`]),
  );
}
