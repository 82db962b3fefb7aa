import { childSpan, type LogFields, type Logger, startTrace, type TraceContext } from '@paperlane/core';
import { freePort, type OtlpCollector, startOtlpCollector } from '@paperlane/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOtlpTraceExporter,
  type OtlpTraceExporter,
  type OtlpTraceExporterOptions,
} from './otlp-traces';
import { teeMetrics } from './tee-metrics';

/** 2026-01-01T00:00:00.000250Z in ms: a fraction of a millisecond survives into the nanos. */
const NOW = 1_767_225_600_000.25;
const NOW_NANOS = 1_767_225_600_000_250_000n;
const CALLER: TraceContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  flags: '01',
};

function recordingLogger(lines: Array<LogFields & { level: string; message: string }>): Logger {
  const log = (level: string) => (message: string, fields?: LogFields) =>
    void lines.push({ level, message, ...fields });
  const logger: Logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

let collector: OtlpCollector | undefined;
const exporters: OtlpTraceExporter[] = [];
afterEach(async () => {
  for (const exporter of exporters.splice(0)) await exporter.close();
  await collector?.close();
  collector = undefined;
});

function exporter(options: Partial<OtlpTraceExporterOptions> & { endpoint: string }) {
  const created = createOtlpTraceExporter({
    serviceName: 'paperlane-test',
    scheduleDelayMs: 3_600_000,
    now: () => NOW,
    ...options,
  });
  exporters.push(created);
  return created;
}

describe('the OTLP trace exporter', () => {
  it('encodes each fact with a sampled span as one span ending now, with its parent, kind and attributes', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({ endpoint: collector.tracesUrl });
    const request = childSpan(CALLER);
    const attempt = childSpan(childSpan(request));
    const post = childSpan(attempt);
    traces.httpRequest({
      method: 'POST',
      route: '/api/jobs/:job_id',
      status: 202,
      durationMs: 12.5,
      span: request,
    });
    traces.jobAttempt({
      queue: 'thumbnail',
      outcome: 'failed',
      durationMs: 1_000,
      attempt: 3,
      jobId: 'job-1',
      span: attempt,
    });
    traces.webhookDelivery({ outcome: 'failed', durationMs: 0.25, status: 503, span: post });
    traces.httpRequest({ method: 'GET', route: 'unmatched', status: 500, durationMs: 1, span: startTrace() });
    // Not exported: no span, an unsampled span, and queue depths (no span in them).
    traces.httpRequest({ method: 'GET', route: '/healthz', status: 200, durationMs: 1 });
    traces.jobAttempt({
      queue: 'thumbnail',
      outcome: 'completed',
      durationMs: 1,
      attempt: 1,
      span: { ...childSpan(CALLER), flags: '00' },
    });
    traces.queueDepth({ queue: 'thumbnail', waiting: 1, inFlight: 0, dlq: 0 });
    await traces.flush();

    expect(collector.spans).toEqual([
      {
        serviceName: 'paperlane-test',
        traceId: CALLER.traceId,
        spanId: request.spanId,
        parentSpanId: CALLER.spanId,
        name: 'POST /api/jobs/:job_id',
        kind: 2,
        startNanos: NOW_NANOS - 12_500_000n,
        endNanos: NOW_NANOS,
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/api/jobs/:job_id',
          'http.response.status_code': 202,
        },
        status: { code: 0 },
      },
      {
        serviceName: 'paperlane-test',
        traceId: CALLER.traceId,
        spanId: attempt.spanId,
        parentSpanId: attempt.parentSpanId,
        name: 'thumbnail process',
        kind: 5,
        startNanos: NOW_NANOS - 1_000_000_000n,
        endNanos: NOW_NANOS,
        attributes: {
          'messaging.destination.name': 'thumbnail',
          'messaging.operation.type': 'process',
          'paperlane.job_id': 'job-1',
          'paperlane.attempt': 3,
          'paperlane.outcome': 'failed',
        },
        status: { code: 2, message: 'failed' },
      },
      {
        serviceName: 'paperlane-test',
        traceId: CALLER.traceId,
        spanId: post.spanId,
        parentSpanId: attempt.spanId,
        name: 'webhook POST',
        kind: 3,
        startNanos: NOW_NANOS - 250_000n,
        endNanos: NOW_NANOS,
        attributes: {
          'http.request.method': 'POST',
          'http.response.status_code': 503,
          'paperlane.outcome': 'failed',
        },
        status: { code: 2, message: 'HTTP 503' },
      },
      expect.objectContaining({
        parentSpanId: undefined,
        name: 'GET',
        kind: 2,
        attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500 },
        status: { code: 2, message: 'HTTP 500' },
      }),
    ]);
    expect(traces.stats()).toEqual({ exported: 4, dropped: 0, queued: 0, failedExports: 0 });
  });

  it('sends a full batch at once, holds the rest until the schedule or a flush, with the configured headers', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({
      endpoint: collector.tracesUrl,
      maxExportBatchSize: 2,
      headers: { 'x-honeycomb-team': 'key-123' },
    });
    const attempt = (n: number) =>
      traces.jobAttempt({
        queue: 'automation',
        outcome: 'completed',
        durationMs: n,
        attempt: 1,
        span: startTrace(),
      });
    attempt(1);
    expect(traces.stats().queued).toBe(1);
    attempt(2);
    await collector.waitFor((spans) => spans.length === 2);
    attempt(3);
    // The schedule is an hour away: the third span waits for flush().
    expect(traces.stats().queued).toBe(1);
    await traces.flush();
    expect(collector.spans).toHaveLength(3);
    expect(collector.requests).toHaveLength(2);
    for (const headers of collector.requests) {
      expect(headers['x-honeycomb-team']).toBe('key-123');
      expect(headers['content-type']).toBe('application/json');
    }
  });

  it('sends the resource attributes beside service.name, which the serviceName option decides', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({
      endpoint: collector.tracesUrl,
      resourceAttributes: {
        'deployment.environment': 'prod',
        'service.name': 'ignored',
        'service.version': '1.2.0',
      },
    });
    traces.webhookDelivery({ outcome: 'delivered', durationMs: 3, status: 204, span: startTrace() });
    await traces.flush();
    expect(collector.resources).toEqual([
      { 'service.name': 'paperlane-test', 'deployment.environment': 'prod', 'service.version': '1.2.0' },
    ]);
  });

  it('exports on its schedule without a flush', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({ endpoint: collector.tracesUrl, scheduleDelayMs: 5 });
    traces.webhookDelivery({ outcome: 'delivered', durationMs: 3, status: 204, span: startTrace() });
    const [span] = await collector.waitFor((spans) => spans.length === 1);
    expect(span?.status).toEqual({ code: 0 });
  });

  it('keeps at most maxQueueSize spans while the collector is down, dropping the oldest, then delivers the rest; logs once per outage, never the headers', async () => {
    const port = await freePort();
    const lines: Array<LogFields & { level: string; message: string }> = [];
    const traces = exporter({
      endpoint: `http://127.0.0.1:${port}/v1/traces?api_key=query-secret`,
      headers: { authorization: 'Bearer header-secret' },
      maxQueueSize: 4,
      maxExportBatchSize: 2,
      retryDelayMs: 0,
      logger: recordingLogger(lines),
    });
    const ids: string[] = [];
    const record = () => {
      const span = startTrace();
      ids.push(span.spanId);
      traces.jobAttempt({ queue: 'email-sync', outcome: 'completed', durationMs: 1, attempt: 1, span });
    };
    for (let i = 0; i < 6; i++) record();
    await traces.flush(); // refused: nothing listens
    expect(traces.stats()).toMatchObject({ exported: 0, queued: 4, dropped: 2 });
    record();
    record();
    await traces.flush();
    expect(traces.stats()).toMatchObject({ exported: 0, queued: 4, dropped: 4 });
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);

    collector = await startOtlpCollector({ port });
    await traces.flush();
    // The four newest, oldest first; the four oldest were dropped and counted.
    expect(collector.spans.map((s) => s.spanId)).toEqual(ids.slice(4));
    expect(traces.stats()).toMatchObject({ exported: 4, queued: 0, dropped: 4 });
    expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
      'warn trace export failed; spans wait in memory (oldest dropped past the bound)',
      'info trace export recovered',
    ]);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain('header-secret');
    expect(logged).not.toContain('query-secret');
    expect(lines[0]?.endpoint).toBe(`http://127.0.0.1:${port}/v1/traces`);
  });

  it('keeps a batch a collector refuses with 503, drops one it refuses with 400', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({ endpoint: collector.tracesUrl, retryDelayMs: 0 });
    const span = () => startTrace();
    collector.answerWith(503);
    traces.httpRequest({ method: 'GET', route: '/api/jobs', status: 200, durationMs: 1, span: span() });
    await traces.flush();
    expect(traces.stats()).toMatchObject({ queued: 1, dropped: 0, failedExports: 1 });
    collector.answerWith(400);
    await traces.flush();
    expect(traces.stats()).toMatchObject({ queued: 0, dropped: 1, failedExports: 2 });
    collector.answerWith(undefined);
    traces.httpRequest({ method: 'GET', route: '/api/jobs', status: 200, durationMs: 1, span: span() });
    await traces.flush();
    expect(traces.stats()).toMatchObject({ exported: 1, dropped: 1, queued: 0 });
  });

  it('leaves a failing collector alone for retryDelayMs: flush() then returns without a POST, close() still tries', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({ endpoint: collector.tracesUrl, retryDelayMs: 3_600_000 });
    collector.answerWith(503);
    traces.httpRequest({ method: 'GET', route: '/api/jobs', status: 200, durationMs: 1, span: startTrace() });
    await traces.flush();
    expect(collector.requests).toHaveLength(1);
    collector.answerWith(undefined);
    await traces.flush();
    expect(collector.requests).toHaveLength(1);
    expect(traces.stats()).toMatchObject({ queued: 1, exported: 0 });
    await traces.close();
    expect(collector.spans).toHaveLength(1);
  });

  it('never throws into the caller, and records nothing after close', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({
      endpoint: collector.tracesUrl,
      now: () => {
        throw new Error('clock broke');
      },
    });
    expect(() =>
      traces.httpRequest({ method: 'GET', route: '/x', status: 200, durationMs: 1, span: startTrace() }),
    ).not.toThrow();
    const closing = exporter({ endpoint: collector.tracesUrl });
    await closing.close();
    closing.httpRequest({ method: 'GET', route: '/x', status: 200, durationMs: 1, span: startTrace() });
    expect(closing.stats().queued).toBe(0);
  });
});

describe('teeMetrics', () => {
  it('hands every fact to each adapter, even after one throws', async () => {
    collector = await startOtlpCollector();
    const traces = exporter({ endpoint: collector.tracesUrl });
    const seen: string[] = [];
    const throwing = {
      jobAttempt: () => {
        seen.push('jobAttempt');
        throw new Error('broken adapter');
      },
      queueDepth: () => void seen.push('queueDepth'),
      webhookDelivery: () => void seen.push('webhookDelivery'),
      httpRequest: () => void seen.push('httpRequest'),
    };
    const metrics = teeMetrics(throwing, traces);
    metrics.jobAttempt({
      queue: 'thumbnail',
      outcome: 'completed',
      durationMs: 1,
      attempt: 1,
      span: startTrace(),
    });
    metrics.queueDepth({ queue: 'thumbnail', waiting: 0, inFlight: 0, dlq: 0 });
    metrics.webhookDelivery({ outcome: 'delivered', durationMs: 1, status: 200, span: startTrace() });
    metrics.httpRequest({ method: 'GET', route: '/x', status: 200, durationMs: 1, span: startTrace() });
    await traces.flush();
    expect(seen).toEqual(['jobAttempt', 'queueDepth', 'webhookDelivery', 'httpRequest']);
    expect(collector.spans.map((s) => s.name)).toEqual(['thumbnail process', 'webhook POST', 'GET /x']);
    expect(teeMetrics(traces)).toBe(traces);
  });
});
