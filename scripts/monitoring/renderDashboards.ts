/**
 * npm run monitoring:dashboards
 *   Writes the Grafana dashboards made by scripts/monitoring/dashboards.ts to
 *   monitoring/grafana/dashboards/ (test/monitoring checks that the committed files are up to date).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARDS_DIR, renderDashboards } from './dashboards';

const rendered = Object.entries(renderDashboards());
for (const [name, text] of rendered) writeFileSync(path.join(DASHBOARDS_DIR, name), text);
console.log(`wrote ${rendered.map(([name]) => name).join(', ')} to ${path.relative(process.cwd(), DASHBOARDS_DIR)}`);
