import { z } from 'zod';
import { tracingEnv } from '../tracing/tracingConfig';

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
});

export type CommonEnv = z.infer<typeof commonEnv>;
