import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARDS_DIR, renderDashboards } from '../../scripts/monitoring/dashboards';
import { metricNamesIn, monitoringExpressions } from './promql';

describe('Grafana dashboards as code', () => {
  it('the committed JSON is what the code makes (run npm run monitoring:dashboards after a change)', () => {
    const rendered = renderDashboards();
    const committed = readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json'));
    expect(committed.sort()).toEqual(Object.keys(rendered).sort());
    for (const [name, text] of Object.entries(rendered))
      expect(readFileSync(path.join(DASHBOARDS_DIR, name), 'utf8')).toBe(text);
  });

  it('every query of the dashboards and the alert rules is PromQL and names at least one metric', () => {
    const expressions = monitoringExpressions();
    expect(expressions.length).toBeGreaterThan(40);
    for (const { where, expr } of expressions)
      expect({ where, names: metricNamesIn(expr).length > 0 }).toEqual({ where, names: true });
  });

  it('the parser finds the metric names of an expression and refuses what is not PromQL', () => {
    expect(
      metricNamesIn('sum by (le) (rate(event_lag_seconds_bucket{queue="q"}[$__rate_interval])) / on() up'),
    ).toEqual(['event_lag_seconds_bucket', 'up']);
    expect(() => metricNamesIn('sum(rate(http_requests_total[5m])')).toThrow(/not PromQL/);
  });
});
