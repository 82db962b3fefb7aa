import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { traceExportSettings } from './trace-export';

const BASE = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' };

describe('traceExportSettings', () => {
  it('is undefined (no exporter) without an endpoint, or when disabled', () => {
    expect(traceExportSettings({}, 'api')).toBeUndefined();
    expect(traceExportSettings({ ...BASE, OTEL_SDK_DISABLED: 'true' }, 'api')).toBeUndefined();
    expect(traceExportSettings({ ...BASE, OTEL_SDK_DISABLED: 'TRUE' }, 'api')).toBeUndefined();
    expect(traceExportSettings({ ...BASE, OTEL_TRACES_EXPORTER: 'none' }, 'api')).toBeUndefined();
    expect(traceExportSettings({ ...BASE, OTEL_SDK_DISABLED: 'false' }, 'api')).toBeDefined();
  });

  it('appends /v1/traces to the base endpoint, takes the traces endpoint as is, with the defaults', () => {
    expect(traceExportSettings(BASE, 'documents')).toEqual({
      endpoint: 'http://localhost:4318/v1/traces',
      headers: {},
      serviceName: 'paperlane-documents',
      resourceAttributes: {},
      scheduleDelayMs: 5_000,
      exportTimeoutMs: 10_000,
    });
    expect(
      traceExportSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/otlp/' }, 'api')?.endpoint,
    ).toBe('https://otel.example/otlp/v1/traces');
    expect(
      traceExportSettings(
        { ...BASE, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://api.honeycomb.io/v1/traces?x=1' },
        'api',
      )?.endpoint,
    ).toBe('https://api.honeycomb.io/v1/traces?x=1');
  });

  it('reads headers (percent-decoded, trace-specific ones winning), service name, delay and timeout', () => {
    const settings = traceExportSettings(
      {
        ...BASE,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-honeycomb-team=abc%3D%3D, X-Dataset = paperlane ,',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-dataset=traces',
        OTEL_SERVICE_NAME: 'billing-paperlane',
        OTEL_BSP_SCHEDULE_DELAY: '250',
        OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_EXPORTER: 'otlp',
      },
      'api',
    );
    expect(settings).toEqual({
      endpoint: 'http://localhost:4318/v1/traces',
      headers: { 'x-honeycomb-team': 'abc==', 'x-dataset': 'traces' },
      serviceName: 'billing-paperlane',
      resourceAttributes: {},
      scheduleDelayMs: 250,
      exportTimeoutMs: 3_000,
    });
  });

  it('reads OTEL_RESOURCE_ATTRIBUTES (percent-decoded); its service.name yields to OTEL_SERVICE_NAME', () => {
    const source = {
      ...BASE,
      OTEL_RESOURCE_ATTRIBUTES:
        'deployment.environment=prod, service.version = 1.2.0,team=doc%2Cops,service.name=billing,__proto__=x',
    };
    const settings = traceExportSettings(source, 'api');
    expect(settings?.serviceName).toBe('billing');
    expect(settings?.resourceAttributes).toEqual({
      'deployment.environment': 'prod',
      'service.version': '1.2.0',
      team: 'doc,ops',
      ['__proto__']: 'x',
    });
    // `__proto__` stayed an ordinary key: nothing reached the prototype.
    expect(Object.getPrototypeOf(settings?.resourceAttributes)).toBe(Object.prototype);
    expect(traceExportSettings({ ...source, OTEL_SERVICE_NAME: 'explicit' }, 'api')?.serviceName).toBe(
      'explicit',
    );
    expect(
      traceExportSettings({ ...BASE, OTEL_RESOURCE_ATTRIBUTES: 'service.name= ' }, 'worker')?.serviceName,
    ).toBe('paperlane-worker');
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector:21' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'javascript:alert(1)' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://a.example/${'x'.repeat(100_000)}` },
    ],
    [
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://user:pw@host/v1/traces' },
    ],
    ['OTEL_EXPORTER_OTLP_HEADERS', { ...BASE, OTEL_EXPORTER_OTLP_HEADERS: 'api-key-without-equals' }],
    ['OTEL_EXPORTER_OTLP_HEADERS', { ...BASE, OTEL_EXPORTER_OTLP_HEADERS: 'bad name=1' }],
    ['OTEL_EXPORTER_OTLP_HEADERS', { ...BASE, OTEL_EXPORTER_OTLP_HEADERS: 'a=%E0%A4%A' }],
    ['OTEL_EXPORTER_OTLP_HEADERS', { ...BASE, OTEL_EXPORTER_OTLP_HEADERS: 'a=1%0D%0Ainjected: 1' }],
    [
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      { ...BASE, OTEL_EXPORTER_OTLP_TRACES_HEADERS: `a=${'v'.repeat(9_000)}` },
    ],
    ['OTEL_BSP_SCHEDULE_DELAY', { ...BASE, OTEL_BSP_SCHEDULE_DELAY: 'NaN' }],
    ['OTEL_BSP_SCHEDULE_DELAY', { ...BASE, OTEL_BSP_SCHEDULE_DELAY: '-1' }],
    ['OTEL_BSP_SCHEDULE_DELAY', { ...BASE, OTEL_BSP_SCHEDULE_DELAY: '1e12' }],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', { ...BASE, OTEL_EXPORTER_OTLP_TIMEOUT: '2.5' }],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', { ...BASE, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['OTEL_TRACES_EXPORTER', { ...BASE, OTEL_TRACES_EXPORTER: 'zipkin' }],
    ['OTEL_SERVICE_NAME', { ...BASE, OTEL_SERVICE_NAME: 'x'.repeat(300) }],
    ['OTEL_RESOURCE_ATTRIBUTES', { ...BASE, OTEL_RESOURCE_ATTRIBUTES: 'no-equals-sign' }],
    ['OTEL_RESOURCE_ATTRIBUTES', { ...BASE, OTEL_RESOURCE_ATTRIBUTES: 'has space=1' }],
    ['OTEL_RESOURCE_ATTRIBUTES', { ...BASE, OTEL_RESOURCE_ATTRIBUTES: 'a=%ZZ' }],
    ['OTEL_RESOURCE_ATTRIBUTES', { ...BASE, OTEL_RESOURCE_ATTRIBUTES: 'a=1%0Ainjected' }],
    ['OTEL_RESOURCE_ATTRIBUTES', { ...BASE, OTEL_RESOURCE_ATTRIBUTES: `service.name=${'n'.repeat(300)}` }],
    ['OTEL_RESOURCE_ATTRIBUTES', { ...BASE, OTEL_RESOURCE_ATTRIBUTES: `a=${'v'.repeat(9_000)}` }],
  ])('refuses a bad %s with a ConfigError that names it, not its value', (variable, source) => {
    let thrown: unknown;
    try {
      traceExportSettings(source, 'api');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    expect(message).toContain(variable);
    expect(message.length).toBeLessThan(500);
    for (const secret of ['api-key-without-equals', 'injected', 'user:pw'])
      expect(message).not.toContain(secret);
  });
});
