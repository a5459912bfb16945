'use strict';
/**
 * Works around serverless-esbuild failing `serverless package` when the service has no functions
 * (https://github.com/floydspace/serverless-esbuild/issues/503): after packaging it copies
 * `<workFolder>/.serverless`, which only a build creates, and reads the service artifact's name,
 * which only exists when something was packed. With no functions this creates the empty folder and
 * takes the per-function branch, which then has nothing to do. Inert as soon as a function exists;
 * delete it once every stage has functions or the plugin is fixed.
 */
const fs = require('node:fs');
const path = require('node:path');

class ServerlessEsbuildWithoutFunctions {
  constructor(serverless) {
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => {
        const { service } = serverless;
        if (service.getAllFunctions().length > 0) return;
        const workFolder =
          (service.custom && service.custom.esbuild && service.custom.esbuild.outputWorkFolder) || '.esbuild';
        fs.mkdirSync(path.join(serverless.serviceDir, workFolder, '.serverless'), { recursive: true });
        service.package.individually = true;
      },
    };
  }
}

module.exports = ServerlessEsbuildWithoutFunctions;
