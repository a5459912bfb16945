import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import {
  awsClientConfig,
  SQS_REQUEST_TIMEOUT_MS,
  withoutSdkLogger,
  type AwsClientOptions,
  type AwsClients,
} from './clients';

/**
 * Creates the SNS, SQS and STS clients once, for scripts and tests; the same code talks to AWS, LocalStack
 * and fauxqs. The services create only the clients they use (their infrastructure/awsClients.ts).
 */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const { region, endpoint, clientConfig } = awsClientConfig(options);
  const sns = withoutSdkLogger(new SNSClient(clientConfig));
  const sqs = withoutSdkLogger(
    new SQSClient(awsClientConfig({ requestTimeoutMs: SQS_REQUEST_TIMEOUT_MS, ...options }).clientConfig),
  );
  const sts = withoutSdkLogger(new STSClient(clientConfig));
  return {
    sns,
    sqs,
    sts,
    region,
    endpoint,
    destroy() {
      sns.destroy();
      sqs.destroy();
      sts.destroy();
    },
  };
}
