/**
 * `npm run infra:render`: writes the LocalStack init hook rendered from the topology definition.
 * `npm run infra:render -- --check` writes nothing and exits 1 when the committed file is stale
 * (for CI and the agreement test).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  LOCALSTACK_HOOK_PATH,
  LOCALSTACK_HOOK_RENDER_COMMAND,
  renderLocalstackHook,
} from '@platform/shared/topology/render';

const target = resolve(__dirname, '..', LOCALSTACK_HOOK_PATH);
const rendered = renderLocalstackHook();

if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (committed !== rendered) {
    console.error(
      `${LOCALSTACK_HOOK_PATH} is ${committed === undefined ? 'missing' : 'out of date'}; run \`${LOCALSTACK_HOOK_RENDER_COMMAND}\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(`${LOCALSTACK_HOOK_PATH} is up to date.`);
} else {
  writeFileSync(target, rendered);
  // LocalStack runs only executable files from its init directories.
  chmodSync(target, 0o755);
  console.log(`wrote ${LOCALSTACK_HOOK_PATH}`);
}
