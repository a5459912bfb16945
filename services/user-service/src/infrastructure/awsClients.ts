import { SQSClient } from '@aws-sdk/client-sqs';
import {
  awsClientConfig,
  SQS_REQUEST_TIMEOUT_MS,
  withoutSdkLogger,
  type AwsClientOptions,
  type AwsClients,
} from '@platform/shared/aws';

/** The AWS client the user-service uses: SQS (the queue workers, readiness, the DLQ depth gauge). */
export type UserAwsClients = Pick<AwsClients, 'sqs' | 'destroy'>;

/** Creates only the SQS client, so the user-service bundles carry no SNS or STS client. */
export function createUserAwsClients(options: AwsClientOptions): UserAwsClients {
  const sqs = withoutSdkLogger(
    new SQSClient(awsClientConfig({ requestTimeoutMs: SQS_REQUEST_TIMEOUT_MS, ...options }).clientConfig),
  );
  return { sqs, destroy: () => sqs.destroy() };
}
