import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { renderDashboards } from '../../scripts/monitoring/dashboards';

const MONITORING_DIR = path.join(__dirname, '../../monitoring');

/**
 * The metric names a PromQL expression selects, read with Prometheus's own grammar (lezer-promql);
 * throws when the expression does not parse. Grafana's $__rate_interval stands for a duration.
 */
export function metricNamesIn(expr: string): string[] {
  const query = expr.replaceAll('$__rate_interval', '5m');
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.push(query.slice(node.from, node.to));
    },
  });
  if (errors.length > 0) throw new Error(`not PromQL at ${errors.join(', ')}: ${expr}`);
  return names;
}

/** Every PromQL expression of the committed dashboards and alert rules, with where it is. */
export function monitoringExpressions(): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = [];
  for (const [file, text] of Object.entries(renderDashboards())) {
    const board = JSON.parse(text) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
    for (const panel of board.panels)
      for (const target of panel.targets ?? []) found.push({ where: `${file} "${panel.title}"`, expr: target.expr });
  }
  const rulesDir = path.join(MONITORING_DIR, 'prometheus/rules');
  for (const file of readdirSync(rulesDir)) {
    const rules = parseYaml(readFileSync(path.join(rulesDir, file), 'utf8')) as {
      groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
    };
    for (const rule of rules.groups.flatMap((group) => group.rules))
      found.push({ where: `${file} ${rule.alert ?? rule.record}`, expr: rule.expr });
  }
  return found;
}

/** The sample names a /metrics text serves (a histogram's _bucket, _sum and _count included). */
export function exposedMetricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name! + suffix);
  }
  return names;
}
