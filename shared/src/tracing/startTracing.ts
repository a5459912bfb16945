import { context, propagation, trace } from '@opentelemetry/api';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';
import type * as Core from '@opentelemetry/core';
import type * as OtlpExporter from '@opentelemetry/exporter-trace-otlp-proto';
import type * as Resources from '@opentelemetry/resources';
import type * as Sdk from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { parseConfig } from '../config/parseConfig';
import { tracingEnv, tracingSettings } from './tracingConfig';

interface RunningTracing {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

let provider: RunningTracing | undefined;

/** True once tracing has started in this process: instrumentation does nothing until then. */
export function tracingActive(): boolean {
  return provider !== undefined;
}

/**
 * Starts OpenTelemetry tracing for this process when the standard variables ask for it
 * (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT…; see tracingConfig.ts), else does nothing:
 * the SDK is not even loaded, and the instrumentation of the HTTP server, the outbox and the queue
 * runners stays switched off. Call it before building the app. Idempotent (a Lambda container calls
 * it on every cold build); returns whether tracing is on. A bad variable throws a ConfigError naming it.
 * Tests pass `exporter` (an InMemorySpanExporter) to collect spans without the variables.
 * @example startTracing('auth-service');
 */
export function startTracing(
  service: string,
  { env = process.env, exporter }: { env?: Record<string, string | undefined>; exporter?: SpanExporter } = {},
): boolean {
  if (provider) return true;
  const settings = exporter
    ? ({ enabled: true, exporters: [], serviceName: service, sampler: 'always_on', ratio: 1 } as const)
    : tracingSettings(parseConfig(tracingEnv, env), service);
  if (!settings.enabled) return false;

  // Required only now, so that a process that does not trace never loads the SDK. require(), not
  // import(): the services are CommonJS (tsx, the esbuild bundles), and Jest's runtime has no import().
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sdk = require('@opentelemetry/sdk-trace') as typeof Sdk;
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof ContextAsyncHooks;
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof Core;
  const { resourceFromAttributes, detectResources, envDetector } =
    require('@opentelemetry/resources') as typeof Resources;

  const processors = [];
  if (exporter) processors.push(new sdk.SimpleSpanProcessor({ exporter }));
  for (const name of settings.exporters) {
    if (name === 'console') processors.push(new sdk.SimpleSpanProcessor({ exporter: new sdk.ConsoleSpanExporter() }));
    if (name === 'otlp') {
      const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof OtlpExporter;
      processors.push(new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ratio = new sdk.TraceIdRatioBasedSampler(settings.ratio);
  const sampler = {
    always_on: new sdk.AlwaysOnSampler(),
    always_off: new sdk.AlwaysOffSampler(),
    traceidratio: ratio,
    parentbased_always_on: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() }),
    parentbased_always_off: new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() }),
    parentbased_traceidratio: new sdk.ParentBasedSampler({ root: ratio }),
  }[settings.sampler];

  const started = new sdk.TracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES (and OTEL_SERVICE_NAME) from the environment, over the service's name.
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }).merge(
      detectResources({ detectors: [envDetector] }),
    ),
    sampler,
    spanProcessors: processors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(started);
  provider = started;
  return true;
}

/** Sends the spans still buffered (a Lambda invocation ends, and its container may freeze). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Flushes and stops tracing (process shutdown; tests). */
export async function stopTracing(): Promise<void> {
  const stopping = provider;
  provider = undefined;
  if (!stopping) return;
  await stopping.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}
