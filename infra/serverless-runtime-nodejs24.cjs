'use strict';
/**
 * Serverless 3's config schema lists Lambda runtimes only up to nodejs20.x, so `runtime: nodejs24.x`
 * fails under `configValidationMode: error`. The AWS provider registers the runtime enum in its
 * constructor, before local plugins load and before validation runs; this adds the runtimes that
 * Lambda (and serverless-esbuild / serverless-offline) support since. Remove after leaving v3.
 */
const ADDED_RUNTIMES = ['nodejs22.x', 'nodejs24.x'];

class ServerlessRuntimeNodejs24 {
  constructor(serverless) {
    const runtime = serverless.configSchemaHandler.schema.definitions.awsLambdaRuntime;
    if (!runtime || !Array.isArray(runtime.enum)) {
      throw new Error('serverless-runtime-nodejs24: the schema has no awsLambdaRuntime enum; is this Serverless 3?');
    }
    for (const name of ADDED_RUNTIMES) if (!runtime.enum.includes(name)) runtime.enum.push(name);
  }
}

module.exports = ServerlessRuntimeNodejs24;
