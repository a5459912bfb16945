/**
 * @platform/shared/topology/render: the three renderings of the topology (provisioning of an emulator or
 * account, the LocalStack init hook, the serverless.yml resources). For scripts, infra and tests only, so
 * that the runtime bundles do not carry them.
 */
export * from '../provisionTopology';
export * from '../renderLocalstackHook';
export * from '../renderCloudFormation';
export * from '../policies';
