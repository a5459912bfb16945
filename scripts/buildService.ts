/**
 * `npm run build -w @platform/<service>`: bundles the service's server entry with esbuild into
 * services/<service>/dist/server.js for the container's runtime stage. The workspace package
 * @platform/shared (TypeScript source) is bundled in; every npm dependency stays external and is
 * installed by `npm ci --omit=dev` in the image, so native addons (argon2) and Prisma's wasm
 * query compiler load from node_modules exactly as in development. Text data files under src/
 * are copied beside the bundle.
 */
import { copyFileSync, globSync, readFileSync } from 'node:fs';
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
  });
  // Data files the code reads next to itself (path.join(__dirname, …)), e.g. the common-password list.
  for (const asset of globSync('src/**/*.txt', { cwd: serviceDir })) {
    copyFileSync(path.join(serviceDir, asset), path.join(serviceDir, 'dist', path.basename(asset)));
  }
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`built services/${service}/dist/server.js (${(bytes / 1024).toFixed(0)} KiB with source map)`);
}

main().catch((error: unknown) => {
  console.error('build failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
