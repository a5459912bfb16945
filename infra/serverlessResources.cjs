'use strict';
/**
 * `resources: ${file(./infra/serverlessResources.cjs)}` in serverless.yml. Serverless 3 calls an
 * exported function with `{ options, resolveConfigurationProperty, resolveVariable }` and uses what it
 * returns. The resources are rendered from the one topology definition in shared/ (TypeScript,
 * loaded through tsx), so serverless.yml never restates queue names, timeouts or filter policies.
 */
const { require: tsxRequire } = require('tsx/cjs/api');

/** Stages that get the customer-managed KMS key; every other stage uses SQS-managed SSE. */
const ENCRYPTED_STAGES = new Set(['prod', 'production']);

module.exports = async ({ resolveVariable }) => {
  // sls:stage is what the rest of serverless.yml sees (--stage, else provider.stage, else dev).
  const stage = await resolveVariable('sls:stage');
  const { renderCloudFormationResources } = tsxRequire('../shared/src/topology/renderCloudFormation.ts', __filename);
  return renderCloudFormationResources({ stage, encrypt: ENCRYPTED_STAGES.has(stage) });
};
