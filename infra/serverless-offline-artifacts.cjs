'use strict';
/**
 * `serverless offline start --param="offlineArtifacts=<dir>"` serves every function from
 * `<dir>/<function>.zip`, the artifacts `serverless package` wrote, instead of bundling the source
 * again: serverless-offline unzips a function's `package.artifact` and runs the handler inside it,
 * and serverless-esbuild leaves a function marked `skipEsbuild` alone. This is how the end-to-end
 * suite runs what ships (test/e2e/targets/lambda.ts).
 *
 * `--param="offlineCodeDir=<dir>"` (optional) is where serverless-offline unzips them; keep it outside
 * the repository so that a module missing from a zip is not found in the repository's node_modules.
 * Without the params this plugin does nothing.
 */
const path = require('node:path');
const { existsSync } = require('node:fs');

function paramValue(options, name) {
  const params = [].concat(options.param ?? []);
  const entry = params.find((param) => String(param).startsWith(`${name}=`));
  return entry === undefined ? undefined : String(entry).slice(name.length + 1);
}

class ServerlessOfflineArtifacts {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    // Listed before serverless-esbuild in serverless.yml, so this runs before it bundles.
    this.hooks = { 'before:offline:start:init': () => this.useArtifacts() };
  }

  useArtifacts() {
    const dir = paramValue(this.options, 'offlineArtifacts');
    if (!dir) return;
    const serviceDir = this.serverless.serviceDir ?? this.serverless.config.servicePath;
    const artifactsDir = path.resolve(serviceDir, dir);
    const functions = this.serverless.service.functions ?? {};
    for (const [name, definition] of Object.entries(functions)) {
      const artifact = path.join(artifactsDir, `${name}.zip`);
      if (!existsSync(artifact))
        throw new Error(`offlineArtifacts: ${artifact} does not exist; run \`serverless package\` first`);
      definition.package = { ...definition.package, artifact };
      definition.skipEsbuild = true;
    }
    const codeDir = paramValue(this.options, 'offlineCodeDir');
    if (codeDir) {
      const custom = (this.serverless.service.custom ??= {});
      custom['serverless-offline'] = { ...custom['serverless-offline'], location: path.resolve(serviceDir, codeDir) };
    }
    this.serverless.cli.log(`serving ${Object.keys(functions).length} functions from the artifacts in ${artifactsDir}`);
  }
}

module.exports = ServerlessOfflineArtifacts;
