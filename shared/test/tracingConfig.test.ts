import { ConfigError, parseConfig } from '../src/config';
import { tracingEnv, tracingSettings } from '../src/tracing';

const settings = (env: Record<string, string>) => tracingSettings(parseConfig(tracingEnv, env), 'auth-service');

describe('tracing settings from the standard OTEL_* variables', () => {
  it('is off by default', () => {
    expect(settings({})).toEqual({ enabled: false });
  });

  it('is on with an OTLP endpoint, exporting over OTLP, parent-based sampling, named after the service', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' })).toEqual({
      enabled: true,
      exporters: ['otlp'],
      serviceName: 'auth-service',
      sampler: 'parentbased_always_on',
      ratio: 1,
    });
    expect(settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toMatchObject({
      enabled: true,
      exporters: ['otlp'],
    });
  });

  it('follows OTEL_TRACES_EXPORTER, OTEL_SERVICE_NAME and the sampler variables', () => {
    expect(
      settings({
        OTEL_TRACES_EXPORTER: 'console, otlp',
        OTEL_SERVICE_NAME: 'auth-eu',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toEqual({
      enabled: true,
      exporters: ['console', 'otlp'],
      serviceName: 'auth-eu',
      sampler: 'parentbased_traceidratio',
      ratio: 0.25,
    });
  });

  it('none, or OTEL_SDK_DISABLED=true, wins over an endpoint', () => {
    expect(settings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })).toEqual({
      enabled: false,
    });
    expect(settings({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ enabled: false });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(ConfigError);
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: only http\/protobuf/,
    );
    expect(() => settings({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
