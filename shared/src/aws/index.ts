/** @platform/shared/aws: the SNS, SQS and STS clients and the endpoint they talk to. */
export * from './clients';
export * from './createAwsClients';
