import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

/**
 * The SNS/SQS endpoint, taken only from the SDK's standard AWS_ENDPOINT_URL, with
 * LOCALSTACK_ENDPOINT accepted as an alias. Undefined means real AWS. Reads the environment or a
 * parsed config alike (an empty value counts as unset).
 * @example createAwsClients({ region: config.AWS_REGION, endpoint: resolveAwsEndpoint(config) })
 */
export function resolveAwsEndpoint(
  env: { AWS_ENDPOINT_URL?: string | undefined; LOCALSTACK_ENDPOINT?: string | undefined } = process.env,
): string | undefined {
  return env.AWS_ENDPOINT_URL || env.LOCALSTACK_ENDPOINT || undefined;
}

export interface AwsClients {
  sns: SNSClient;
  sqs: SQSClient;
  sts: STSClient;
  region: string;
  endpoint: string | undefined;
  destroy(): void;
}

/** Creates the SNS, SQS and STS clients once; the same code talks to AWS, LocalStack and fauxqs. */
export function createAwsClients(
  options: { region?: string; endpoint?: string | undefined; maxAttempts?: number } = {},
): AwsClients {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const endpoint = 'endpoint' in options ? options.endpoint : resolveAwsEndpoint();
  const common = {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  const sns = new SNSClient(common);
  const sqs = new SQSClient(common);
  const sts = new STSClient(common);
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
