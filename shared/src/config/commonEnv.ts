import { z } from 'zod';
import { tracingEnv } from '../tracing/tracingConfig';
import type { NodeEnvDefaults } from './parseConfig';

/** Variables both services read (the OpenTelemetry ones included). Each service extends this object with its own. */
export const commonEnv = z.object({
  ...tracingEnv.shape,
  NODE_ENV: z
    .enum(['development', 'test', 'staging', 'production'])
    .default('development')
    .describe('Runtime profile: selects pool sizes, cache TTLs and log format'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  AWS_REGION: z.string().min(1).default('us-east-1').describe('AWS region of the SNS topic and SQS queues'),
  AWS_ENDPOINT_URL: z
    .url()
    .optional()
    .describe('SNS/SQS endpoint (LocalStack or fauxqs); unset on AWS. LOCALSTACK_ENDPOINT is an alias'),
  LOCALSTACK_ENDPOINT: z.url().optional().describe('Alias of AWS_ENDPOINT_URL, for LocalStack habits'),
  TOPOLOGY_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'lower-case letters, digits and dashes only')
    .default('')
    .describe('Prefix of topic and queue names, e.g. "prod-" (serverless sets it to the stage)'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379').describe('Redis connection URL'),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30_000)
    .describe(
      'How long a client may take to send a whole request, headers and body (a slow sender is cut off with 408)',
    ),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(10_000)
    .describe(
      "How long a client may take to send a request's headers (a larger value than HTTP_REQUEST_TIMEOUT_MS is cut to it)",
    ),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(72_000)
    .describe(
      'How long an idle keep-alive connection stays open; behind a load balancer, longer than its idle timeout (60 s on AWS ALB)',
    ),
  API_DOCS: z
    .enum(['on', 'off'])
    .default('off')
    .meta({
      description:
        'Whether /docs (the OpenAPI UI), /docs/json and /docs/asyncapi.json are served: on in development and test, off elsewhere by default',
      nodeEnvDefaults: { development: 'on', test: 'on' } satisfies NodeEnvDefaults,
    }),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe(
      'Serve GET /metrics on this port only (a listener of its own, for the internal network), not on the service port',
    ),
  METRICS_HOST: z.string().default('0.0.0.0').describe('Interface the METRICS_PORT listener binds'),
  METRICS_TOKEN: z
    .string()
    .min(32)
    .optional()
    .describe(
      'A Bearer token GET /metrics requires wherever it is served. Without METRICS_PORT or METRICS_TOKEN, /metrics is ' +
        'public in development and test and not served at all in staging and production',
    ),
});

export type CommonEnv = z.infer<typeof commonEnv>;
