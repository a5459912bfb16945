/** @platform/shared/topology: the SNS/SQS topology definition and its resolution to ARNs and URLs at run time. Its renderings (provisioning, LocalStack hook, CloudFormation) are in @platform/shared/topology/render. */
export * from './definition';
export * from './resolveTopicArn';
export * from './resolveQueue';
