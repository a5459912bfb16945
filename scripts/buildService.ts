/**
 * `npm run build -w @platform/<service>`: bundles the service's server entry with esbuild into
 * services/<service>/dist/server.js for the container's runtime stage. The workspace package
 * @platform/shared (TypeScript source) is bundled in; every npm dependency stays external and is
 * installed by `npm ci --omit=dev` in the image, so native addons (argon2) and Prisma's wasm
 * query compiler load from node_modules exactly as in development. Text data files under src/
 * are copied beside the bundle.
 */
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './db/databases';

async function main() {
  const service = process.argv[2];
  if (!service) throw new Error('usage: buildService.ts <service>, e.g. auth-service');
  const serviceDir = path.join(REPO_ROOT, 'services', service);
  const dependenciesOf = (dir: string): string[] =>
    Object.keys(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies ?? {});
  const external = [...dependenciesOf(serviceDir), ...dependenciesOf(path.join(REPO_ROOT, 'shared'))]
    .filter((name) => !name.startsWith('@platform/'))
    .flatMap((name) => [name, `${name}/*`]);

  const result = await build({
    entryPoints: [path.join(serviceDir, 'src/server.ts')],
    outfile: path.join(serviceDir, 'dist/server.js'),
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    external,
    metafile: true,
    logLevel: 'warning',
    // Runs before any module loads: on an older Node, native addons (argon2) crash instead of failing.
    banner: { js: nodeVersionGuard(service) },
  });
  // Data files the code reads next to itself (path.join(__dirname, …)), e.g. the common-password list.
  const sources = readdirSync(path.join(serviceDir, 'src'), { recursive: true, encoding: 'utf8' });
  for (const asset of sources.filter((file) => file.endsWith('.txt'))) {
    copyFileSync(path.join(serviceDir, 'src', asset), path.join(serviceDir, 'dist', path.basename(asset)));
  }
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`built services/${service}/dist/server.js (${(bytes / 1024).toFixed(0)} KiB with source map)`);
}

/** The `engines.node` range of the root package.json, checked first thing in the bundle. */
function nodeVersionGuard(service: string): string {
  const range = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).engines.node as string;
  const [, min, max] = /^>=(\d+) <(\d+)$/.exec(range) ?? [];
  if (!min || !max) throw new Error(`engines.node must read ">=N <M" (got "${range}")`);
  return [
    `{ const major = Number(process.versions.node.split('.')[0]);`,
    `  if (major < ${min} || major >= ${max}) {`,
    `    console.error('${service} needs Node.js ${range} (the Lambda runtime is nodejs${min}.x); this is ' + process.version + '.');`,
    `    process.exit(1);`,
    `  } }`,
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error('build failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
