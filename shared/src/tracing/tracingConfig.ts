import { z } from 'zod';

const exporterName = z.enum(['otlp', 'console', 'none']);

/**
 * The standard OpenTelemetry variables the services read (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 * Tracing is off unless OTEL_TRACES_EXPORTER names an exporter or an OTLP endpoint is set.
 */
export const tracingEnv = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional().describe('true turns tracing off whatever else is set'),
  OTEL_TRACES_EXPORTER: z
    .string()
    .refine((value) => value.split(',').every((name) => exporterName.safeParse(name.trim()).success), {
      message: 'use otlp, console or none (or a comma-separated list)',
    })
    .optional()
    .describe('Where spans go: otlp, console or none (the default: none, unless an OTLP endpoint is set)'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .optional()
    .describe(
      'OTLP/HTTP endpoint base URL, e.g. http://localhost:4318 (spans go to <it>/v1/traces); setting it turns tracing on',
    ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url()
    .optional()
    .describe('Full OTLP/HTTP URL for spans, e.g. http://localhost:4318/v1/traces; setting it turns tracing on'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .literal('http/protobuf', { message: 'only http/protobuf is supported' })
    .optional()
    .describe('OTLP transport: http/protobuf (the only one bundled)'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z
    .literal('http/protobuf', { message: 'only http/protobuf is supported' })
    .optional()
    .describe('OTLP transport for spans: http/protobuf'),
  OTEL_SERVICE_NAME: z.string().min(1).optional().describe('service.name of the spans (default: the service)'),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .optional()
    .describe('Sampler (default parentbased_always_on)'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Ratio for the traceidratio samplers, 0 to 1 (default 1)'),
});

export type TracingEnv = z.infer<typeof tracingEnv>;

export type TracingSettings =
  | { enabled: false }
  | {
      enabled: true;
      exporters: Array<'otlp' | 'console'>;
      serviceName: string;
      sampler: NonNullable<TracingEnv['OTEL_TRACES_SAMPLER']>;
      ratio: number;
    };

/** Whether and how to trace, from the parsed variables: off unless an exporter or an OTLP endpoint is named. */
export function tracingSettings(env: TracingEnv, service: string): TracingSettings {
  if (env.OTEL_SDK_DISABLED === 'true') return { enabled: false };
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name): name is 'otlp' | 'console' | 'none' => name !== '');
  const endpointSet = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const exporters =
    named.length > 0
      ? named.filter((name): name is 'otlp' | 'console' => name !== 'none')
      : endpointSet
        ? (['otlp'] as const)
        : [];
  if (exporters.length === 0) return { enabled: false };
  return {
    enabled: true,
    exporters: [...new Set(exporters)],
    serviceName: env.OTEL_SERVICE_NAME ?? service,
    sampler: env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    ratio: env.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}
