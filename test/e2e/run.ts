/**
 * `npm run test:e2e -- --target <name>[,<name>...]`: starts a target, walks the whole account life
 * cycle and the event plumbing against it as a REST client would (scenario.ts), stops it, and prints
 * one line per step plus "N passed, N failed". The scenario is the same for every target; only how
 * the target is started differs (targets/<name>.ts).
 *
 *   npm run test:e2e -- --target dev        npm run dev (tsx watch, in-process fauxqs)
 *   npm run test:e2e -- --target all        every target in turn
 *   npm run test:e2e -- --list
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../scripts/db/databases';
import { runScenario, type StepResult } from './scenario';
import type { Target } from './target';

export const TARGETS: Record<string, string> = {
  dev: "`npm run dev`: tsx watch, in-process fauxqs, the machine's Postgres and Redis",
  bundle: '`npm run build` then `npm start` in each service: the esbuild bundles, configured from .env',
  lambda: 'the zips of `serverless package`, HTTP through serverless-offline, SQS and schedule invoked as Lambda does',
  images: 'the runtime images (`docker build --target runtime`), non-root, HEALTHCHECK healthy',
  compose: '`docker compose -f docker-compose.dev.yml up` with LocalStack',
  'compose-fauxqs': 'the same compose stack with its `fauxqs` profile instead of LocalStack',
};

async function loadTarget(name: string): Promise<Target> {
  if (!(name in TARGETS)) throw new Error(`unknown target "${name}": ${Object.keys(TARGETS).join(', ')}`);
  const module = (await import(`./targets/${name}`)) as { target: Target };
  return module.target;
}

async function runTarget(name: string): Promise<StepResult[]> {
  const target = await loadTarget(name);
  const runId = `${name}_${Date.now().toString(36)}`;
  const logDir = path.join(REPO_ROOT, '.e2e', runId);
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  const log = (message: string) =>
    console.log(`[e2e:${name} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
  log(`starting: ${target.description} (logs in ${path.relative(REPO_ROOT, logDir)})`);
  let running;
  try {
    running = await target.start({ runId, log, logDir });
  } catch (error) {
    log(`FAILED to start: ${error instanceof Error ? error.message : String(error)}`);
    return [{ name: `${name}: start`, ok: false, error: String(error), ms: Date.now() - started }];
  }
  log(`up: auth ${running.authUrl}, user ${running.userUrl}`);
  const results = await runScenario(running, { log, prefix: name });
  for (const check of running.extraChecks ?? []) {
    const checkStarted = Date.now();
    try {
      await check.run();
      results.push({ name: `${name}: ${check.name}`, ok: true, ms: Date.now() - checkStarted });
      log(`ok   ${check.name}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ name: `${name}: ${check.name}`, ok: false, error: message, ms: Date.now() - checkStarted });
      log(`FAIL ${check.name}: ${message}`);
    }
  }
  const stopStarted = Date.now();
  try {
    await running.stop();
    results.push({ name: `${name}: stops cleanly`, ok: true, ms: Date.now() - stopStarted });
    log('stopped cleanly');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.push({ name: `${name}: stops cleanly`, ok: false, error: message, ms: Date.now() - stopStarted });
    log(`FAIL stop: ${message}`);
  }
  return results;
}

async function main() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { target: { type: 'string', multiple: true }, list: { type: 'boolean' } },
    strict: true,
  });
  if (values.list || !values.target?.length) {
    console.log('targets (npm run test:e2e -- --target <name>[,<name>] | all):');
    for (const [name, description] of Object.entries(TARGETS)) console.log(`  ${name.padEnd(8)} ${description}`);
    process.exit(values.list ? 0 : 2);
  }
  const names = values.target.flatMap((t) => t.split(',')).flatMap((t) => (t === 'all' ? Object.keys(TARGETS) : [t]));
  const results: StepResult[] = [];
  for (const name of names) results.push(...(await runTarget(name)));
  const failed = results.filter((r) => !r.ok);
  console.log('');
  for (const result of failed) console.log(`FAILED ${result.name}: ${result.error}`);
  console.log(`e2e: ${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('e2e failed:', error);
  process.exit(1);
});
