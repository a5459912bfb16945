import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';

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

export interface AwsClientOptions {
  region?: string;
  endpoint?: string | undefined;
  maxAttempts?: number;
  /**
   * How long one HTTP request may take before it is aborted (and retried by the SDK). Without it a
   * request that never answers hangs forever. An SQS client that long-polls needs more than its
   * longest WaitTimeSeconds. Default 10 s.
   */
  requestTimeoutMs?: number;
}

/** Connecting to the endpoint: a down endpoint fails fast instead of hanging. */
const CONNECTION_TIMEOUT_MS = 3_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** For SQS clients: long polls wait up to 20 s (ReceiveMessageWaitTimeSeconds), plus a margin. */
export const SQS_REQUEST_TIMEOUT_MS = 25_000;

/**
 * The region and the settings every SDK client gets (endpoint from AWS_ENDPOINT_URL unless given). A service
 * creates only the clients it uses with it, so its bundle carries no other SDK client.
 * @example new SQSClient(awsClientConfig({ region: config.AWS_REGION, endpoint: resolveAwsEndpoint(config) }).clientConfig)
 */
export function awsClientConfig(options: AwsClientOptions = {}) {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const endpoint = 'endpoint' in options ? options.endpoint : resolveAwsEndpoint();
  const clientConfig = {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    },
  };
  return { region, endpoint, clientConfig };
}

export interface AwsClients {
  sns: SNSClient;
  sqs: SQSClient;
  sts: STSClient;
  region: string;
  endpoint: string | undefined;
  destroy(): void;
}

/**
 * Removes the SDK's logger middleware from a client. The services never give the SDK a logger (their
 * own code logs what failed), yet with its default no-op logger that middleware still runs every
 * request's input and response through the schemas' sensitive-data filter, a deep copy made only to be
 * thrown away: profiled at about 5 % of the profile worker's CPU (10 messages a receive).
 * @example const sqs = withoutSdkLogger(new SQSClient(awsClientConfig(options).clientConfig));
 */
export function withoutSdkLogger<Client extends { middlewareStack: { remove(name: string): boolean } }>(
  client: Client,
): Client {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
