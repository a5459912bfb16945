import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig, type AwsClientOptions, type AwsClients } from '@platform/shared/aws';

/** The AWS client the user-service uses: SQS (the queue workers, readiness, the DLQ depth gauge). */
export type UserAwsClients = Pick<AwsClients, 'sqs' | 'destroy'>;

/** Creates only the SQS client, so the user-service bundles carry no SNS or STS client. */
export function createUserAwsClients(options: AwsClientOptions): UserAwsClients {
  // Long polls wait up to 20 s (the queues' ReceiveMessageWaitTimeSeconds): allow that plus a margin.
  const sqs = new SQSClient(awsClientConfig({ requestTimeoutMs: 25_000, ...options }).clientConfig);
  return { sqs, destroy: () => sqs.destroy() };
}
