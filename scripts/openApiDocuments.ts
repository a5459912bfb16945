/**
 * `npm run openapi`: each service's OpenAPI document, exactly as GET /docs/json serves it, written to
 * .openapi/<service>.json; `npm run lint:openapi` then lints them with Redocly (redocly.yaml).
 * Each app is built in a process of its own, as it runs in production (one zod schema registry per
 * process), with a configuration that needs no database, Redis or SNS/SQS: building the routes and
 * the document talks to none of them. `-- auth-service` writes one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './db/databases';

const OUT_DIR = path.join(REPO_ROOT, '.openapi');

/** Whatever the machine's .env says: development defaults, silent, an endpoint nothing listens on. */
const offlineEnv = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
};

const builders = {
  'auth-service': async () => {
    const { buildApp } = await import('../services/auth-service/src/app');
    const { loadAuthConfig } = await import('../services/auth-service/src/infrastructure/config');
    return buildApp({ config: loadAuthConfig(offlineEnv), runOutboxRelay: false });
  },
  'user-service': async () => {
    const { buildApp } = await import('../services/user-service/src/app');
    const { loadUserConfig } = await import('../services/user-service/src/infrastructure/config');
    return buildApp({ config: loadUserConfig(offlineEnv) });
  },
};
type Service = keyof typeof builders;

async function writeDocument(service: Service) {
  const app = await builders[service]();
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  await app.close();
  if (response.statusCode !== 200) throw new Error(`${service}: GET /docs/json answered ${response.statusCode}`);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${service}.json`);
  writeFileSync(file, `${JSON.stringify(response.json(), null, 2)}\n`);
  const operations = Object.values(response.json().paths as Record<string, object>).reduce(
    (count: number, item) => count + Object.keys(item).length,
    0,
  );
  console.log(`${path.relative(REPO_ROOT, file)}: ${operations} operations`);
}

async function main() {
  const requested = process.argv[2];
  if (requested) {
    if (!(requested in builders))
      throw new Error(`unknown service "${requested}": ${Object.keys(builders).join(', ')}`);
    await writeDocument(requested as Service);
    // Clients that keep retrying an absent Redis must not hold the process open.
    process.exit(0);
  }
  for (const service of Object.keys(builders)) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, service], { stdio: 'inherit' });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}

main().catch((error: unknown) => {
  console.error(`openapi failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
