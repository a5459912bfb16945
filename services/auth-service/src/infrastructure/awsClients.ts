import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig, withoutSdkLogger, type AwsClientOptions, type AwsClients } from '@platform/shared/aws';

/** The AWS clients the auth-service uses: SNS (the relay publishes, readiness) and STS (the topic ARN). */
export type AuthAwsClients = Pick<AwsClients, 'sns' | 'sts' | 'region' | 'destroy'>;

/** Creates only the SNS and STS clients, so the auth-service bundles carry no SQS client. */
export function createAuthAwsClients(options: AwsClientOptions): AuthAwsClients {
  const { region, clientConfig } = awsClientConfig(options);
  const sns = withoutSdkLogger(new SNSClient(clientConfig));
  const sts = withoutSdkLogger(new STSClient(clientConfig));
  return {
    sns,
    sts,
    region,
    destroy() {
      sns.destroy();
      sts.destroy();
    },
  };
}
