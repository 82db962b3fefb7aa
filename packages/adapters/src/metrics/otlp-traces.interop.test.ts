/**
 * Our OTLP/HTTP JSON against the reference implementation's: the same spans built as the
 * OpenTelemetry JS SDK's ReadableSpans and serialized by @opentelemetry/otlp-transformer
 * (a root devDependency, for this test only) must give the body our exporter POSTs,
 * field for field and type for type, less the empty defaults we leave out (no events,
 * no links, zero dropped counts).
 */
import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { childSpan, type TraceContext } from '@paperlane/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../webhooks/test-receiver';
import { createOtlpTraceExporter } from './otlp-traces';

const NOW_US = 1_767_225_600_000_250;
const hr = (us: number): HrTime => [Math.floor(us / 1e6), (us % 1e6) * 1000];
const CALLER: TraceContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  flags: '01',
};

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

/** Keys whose value is an empty default in proto3 JSON (an empty list, a zero count). */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (key.startsWith('dropped') && member === 0) continue;
    if ((key === 'events' || key === 'links') && Array.isArray(member) && member.length === 0) continue;
    out[key] = withoutDefaults(member);
  }
  return out;
}

it('encodes spans as the OpenTelemetry JS reference serializer does', async () => {
  const request = childSpan(CALLER);
  const attempt = childSpan(childSpan(request));
  const post = childSpan(attempt);
  const traces = createOtlpTraceExporter({
    endpoint: `${receiver.origin}/v1/traces`,
    serviceName: 'paperlane-api',
    now: () => NOW_US / 1000,
  });
  traces.httpRequest({ method: 'POST', route: '/api/upload', status: 503, durationMs: 12, span: request });
  traces.jobAttempt({
    queue: 'thumbnail',
    outcome: 'completed',
    durationMs: 1.5,
    attempt: 2,
    jobId: 'j-1',
    span: attempt,
  });
  traces.webhookDelivery({ outcome: 'delivered', durationMs: 7, status: 200, span: post });
  await traces.close();
  const [received] = receiver.received;
  expect(received?.headers['content-type']).toBe('application/json');
  const ours: unknown = JSON.parse(received?.body ?? 'null');

  const resource = resourceFromAttributes({ 'service.name': 'paperlane-api' });
  const reference = (
    span: TraceContext,
    remoteParent: boolean,
    name: string,
    kind: SpanKind,
    durationUs: number,
    attributes: Attributes,
    status: { code: SpanStatusCode; message?: string },
  ): ReadableSpan => ({
    name,
    kind,
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId, traceFlags: 1 }),
    ...(span.parentSpanId
      ? {
          parentSpanContext: {
            traceId: span.traceId,
            spanId: span.parentSpanId,
            traceFlags: 1,
            isRemote: remoteParent,
          },
        }
      : {}),
    startTime: hr(NOW_US - durationUs),
    endTime: hr(NOW_US),
    duration: hr(durationUs),
    status,
    attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: { name: 'paperlane' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  });
  const spans = [
    reference(
      request,
      true,
      'POST /api/upload',
      SpanKind.SERVER,
      12_000,
      { 'http.request.method': 'POST', 'http.route': '/api/upload', 'http.response.status_code': 503 },
      { code: SpanStatusCode.ERROR, message: 'HTTP 503' },
    ),
    reference(
      attempt,
      true,
      'thumbnail process',
      SpanKind.CONSUMER,
      1_500,
      {
        'messaging.destination.name': 'thumbnail',
        'messaging.operation.type': 'process',
        'paperlane.job_id': 'j-1',
        'paperlane.attempt': 2,
        'paperlane.outcome': 'completed',
      },
      { code: SpanStatusCode.UNSET },
    ),
    reference(
      post,
      false,
      'webhook POST',
      SpanKind.CLIENT,
      7_000,
      { 'http.request.method': 'POST', 'http.response.status_code': 200, 'paperlane.outcome': 'delivered' },
      { code: SpanStatusCode.UNSET },
    ),
  ];
  const serialized: unknown = JSON.parse(
    new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)),
  );
  expect(ours).toEqual(withoutDefaults(serialized));
});
