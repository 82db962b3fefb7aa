import { startTestReceiver, type TestReceiver } from '@paperlane/adapters/webhooks/test-receiver';
import type { UploadResponse } from '@paperlane/api';
import {
  type JobHandlers,
  type JobRecord,
  type LogFields,
  type Logger,
  PermanentError,
  parseTraceparent,
} from '@paperlane/core';
import {
  type CollectedSpan,
  type OtlpCollector,
  type RedisServer,
  startOtlpCollector,
  startRedis,
} from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookDeliveryModule } from '../src/handlers/webhook-delivery';
import { placeholderHandlers } from '../src/placeholder-handlers';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

/**
 * The done-means of metrics and traces, on both runtimes (the SQS emulator and BullMQ on
 * a real redis-server): after a batch, `/metrics` counts per queue and outcome exactly
 * what the job records say, and the caller's `traceparent` reaches every job record and
 * every log line of those jobs. Thumbnails fail for good, the rest complete.
 */
const handlers: JobHandlers = {
  ...placeholderHandlers,
  thumbnail: async () => {
    throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
  },
};

/** Every line logged through it or its children, with the bound fields merged in. */
function capturingLogger(lines: LogFields[], bound: LogFields = {}): Logger {
  const log = (level: string) => (message: string, fields?: LogFields) =>
    void lines.push({ level, message, ...bound, ...fields });
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => capturingLogger(lines, { ...bound, ...fields }),
  };
}

/** `name{labels} value` lines of one metric, as a map from the label text to the value. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (match?.[1] !== undefined) found.set(match[1], Number(match[2]));
  }
  return found;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function observabilitySuite(driver: string, env: () => Record<string, string>) {
  describe(`metrics and traces after a batch (${driver})`, () => {
    let api: ApiHarness;
    const lines: LogFields[] = [];
    let jobs: JobRecord[] = [];

    beforeAll(async () => {
      api = await startApi({ env: env(), handlers, workers: true, logger: capturingLogger(lines) });
      const response = await api.call('acme', '/api/upload', {
        method: 'POST',
        headers: { traceparent: TRACEPARENT },
        body: uploadForm([
          { name: 'a.pdf', blob: SAMPLE_FILES.pdf() },
          { name: 'b.png', blob: SAMPLE_FILES.png() },
          { name: 'c.pdf', blob: SAMPLE_FILES.pdf() },
        ]),
      });
      expect(response.status).toBe(202);
      const ids = ((await response.json()) as UploadResponse).jobs.map((j) => j.job_id);
      await awaitJobsSettled(api.container, 'acme', ids);
      jobs = await Promise.all(
        ids.map(async (jobId) => {
          const job = await api.container.store.jobs.get({ tenantId: 'acme', jobId });
          if (!job) throw new Error(`no record for ${jobId}`);
          return job;
        }),
      );
    });
    afterAll(async () => {
      await api?.close();
    });

    it('/metrics counts per queue and outcome what the job records say', async () => {
      const response = await fetch(`${api.url}/metrics`, {
        headers: { authorization: `Bearer ${await api.token('ops', 'operator')}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const counts = samples(await response.text(), 'paperlane_job_duration_seconds_count');
      const expected = new Map<string, number>();
      for (const job of jobs) {
        const outcome = job.status === 'complete' ? 'completed' : job.status;
        const key = `queue="${job.queue}",outcome="${outcome}"`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      // Both outcomes occurred, so the comparison is not vacuous.
      expect([...expected.keys()].some((k) => k.endsWith('outcome="failed"'))).toBe(true);
      expect([...expected.keys()].some((k) => k.endsWith('outcome="completed"'))).toBe(true);
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected));
    });

    it('/admin/queues/stats counts per queue what the job records say, with depths and run times', async () => {
      const operator = { authorization: `Bearer ${await api.token('ops', 'operator')}` };
      const response = await fetch(`${api.url}/admin/queues/stats?window_minutes=60`, { headers: operator });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        window_minutes: number;
        queues: Array<Record<string, unknown> & { name: string; completed: number; failed: number }>;
      };
      expect(body.window_minutes).toBe(60);
      for (const queue of body.queues) {
        const mine = jobs.filter((j) => j.queue === queue.name);
        const completed = mine.filter((j) => j.status === 'complete').length;
        const failed = mine.filter((j) => j.status === 'failed').length;
        expect([queue.name, queue.completed, queue.failed]).toEqual([queue.name, completed, failed]);
        expect(queue).toEqual({
          name: queue.name,
          depth: expect.any(Number),
          in_flight: expect.any(Number),
          dlq_depth: expect.any(Number),
          oldest_age_seconds: null,
          paused: false,
          completed,
          failed,
          throughput_per_minute: (completed + failed) / 60,
          failure_rate: completed + failed === 0 ? 0 : failed / (completed + failed),
          p50_ms: completed + failed === 0 ? null : expect.any(Number),
          p95_ms: completed + failed === 0 ? null : expect.any(Number),
        });
      }
      const thumbnail = body.queues.find((q) => q.name === 'thumbnail');
      expect(thumbnail?.failed).toBeGreaterThan(0);
      // The failed thumbnails were dead-lettered: the DLQ depth shows them (written after the record).
      expect(Number(thumbnail?.dlq_depth)).toBeGreaterThanOrEqual(0);
      for (const hostile of ['0', '1441', 'abc', '60&window_minutes=61', '1.5', '-5']) {
        const refused = await fetch(`${api.url}/admin/queues/stats?window_minutes=${hostile}`, {
          headers: operator,
        });
        expect([hostile, refused.status]).toEqual([hostile, 400]);
      }
      const unknown = await fetch(`${api.url}/admin/queues/stats?window_minutes=5&tenant_id=other`, {
        headers: operator,
      });
      expect(unknown.status).toBe(400);
    });

    it("carries the caller's traceparent into every job record and every log line of its jobs", () => {
      for (const job of jobs) expect(parseTraceparent(job.traceId)?.traceId).toBe(TRACE_ID);
      const jobIds = new Set(jobs.map((j) => j.jobId));
      const jobLines = lines.filter((line) => jobIds.has(String(line.jobId)));
      // The thumbnails' failures are logged by the processor with the job's fields.
      expect(jobLines.length).toBeGreaterThanOrEqual(jobs.filter((j) => j.status === 'failed').length);
      for (const line of jobLines) expect(line.traceId).toBe(TRACE_ID);
      const request = lines.find((line) => line.message === 'request' && line.path === '/api/upload');
      expect(request?.traceId).toBe(TRACE_ID);
    });
  });
}

describe('a hostile traceparent', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ handlers });
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each([
    ['uppercase', TRACEPARENT.toUpperCase()],
    ['zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
    ['oversized', `cc-${TRACE_ID}-00f067aa0ba902b7-01-${'x'.repeat(6_000)}`],
    ['two values joined', `${TRACEPARENT}, ${TRACEPARENT}`],
  ])('%s: ignored, the request succeeds and its jobs start a trace of their own', async (_name, header) => {
    const response = await api.call('acme', '/api/upload', {
      method: 'POST',
      headers: { traceparent: header },
      body: uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]),
    });
    expect(response.status).toBe(202);
    const [first] = ((await response.json()) as UploadResponse).jobs;
    const job = await api.container.store.jobs.get({ tenantId: 'acme', jobId: first?.job_id ?? '' });
    const trace = parseTraceparent(job?.traceId);
    expect(trace?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace?.traceId).not.toBe(TRACE_ID);
  });
});

describe('OpenTelemetry trace export (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  let api: ApiHarness;
  let collector: OtlpCollector;
  let receiver: TestReceiver;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    receiver = await startTestReceiver();
    api = await startApi({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k%3D1',
        OTEL_BSP_SCHEDULE_DELAY: '20',
        WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}`,
      },
      // Every job completes at once; webhook deliveries are the real module (signed POSTs).
      handlers: (wiring) => ({ ...placeholderHandlers, 'webhook-delivery': webhookDeliveryModule(wiring) }),
      workers: true,
    });
  });
  afterAll(async () => {
    await api?.close();
    await receiver?.close();
    await collector?.close();
  });

  it("exports the request, its job's attempt and the webhook POST that followed as spans of the caller's trace", async () => {
    const registered = await api.call('otel', '/api/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.origin}/hook`, events: ['job.completed'] }),
    });
    expect(registered.status).toBe(201);
    const upload = await api.call('otel', '/api/upload', {
      method: 'POST',
      headers: { traceparent: TRACEPARENT },
      body: uploadForm([{ name: 'a.png', blob: SAMPLE_FILES.png() }]),
    });
    expect(upload.status).toBe(202);
    const [uploaded] = ((await upload.json()) as UploadResponse).jobs;
    const jobId = uploaded?.job_id ?? '';
    const job = await api.container.store.jobs.get({ tenantId: 'otel', jobId });
    const stamped = parseTraceparent(job?.traceId);

    const isPost = (s: CollectedSpan) => s.name === 'webhook POST';
    // The POST's span ends before its attempt's does, so it may arrive in an earlier batch.
    await collector.waitFor((spans) =>
      spans.some((p) => isPost(p) && spans.some((s) => s.spanId === p.parentSpanId)),
    );
    const spans = collector.spans.filter((s) => s.traceId === TRACE_ID);
    const request = spans.find((s) => s.name === 'POST /api/upload');
    const attempt = spans.find((s) => s.attributes['paperlane.job_id'] === jobId);
    const post = spans.find(isPost);
    const delivery = spans.find((s) => s.spanId === post?.parentSpanId);

    // The request continues the caller's span; the dispatcher stamps the request's own span, so
    // the upload's attempt is a child of a span the trace holds (no missing parent in a viewer).
    expect(request).toMatchObject({
      serviceName: 'paperlane-local',
      parentSpanId: '00f067aa0ba902b7',
      kind: 2,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/api/upload',
        'http.response.status_code': 202,
      },
    });
    expect(stamped).toMatchObject({ traceId: TRACE_ID, spanId: request?.spanId });
    expect(attempt).toMatchObject({
      name: `${uploaded?.queue} process`,
      kind: 5,
      parentSpanId: stamped?.spanId,
      attributes: { 'paperlane.outcome': 'completed', 'paperlane.attempt': 1 },
      status: { code: 0 },
    });
    // The job.completed delivery ran as a job of the same trace; its POST is a child of that attempt.
    expect(delivery).toMatchObject({
      name: 'webhook-delivery process',
      parentSpanId: expect.any(String),
      kind: 5,
      attributes: { 'messaging.destination.name': 'webhook-delivery' },
    });
    expect(post).toMatchObject({
      traceId: TRACE_ID,
      kind: 3,
      attributes: { 'http.response.status_code': 200, 'paperlane.outcome': 'delivered' },
    });
    // The receiver saw the POST's own span id in its traceparent.
    const hook = receiver.received.find((r) => r.path === '/hook');
    expect(parseTraceparent(hook?.headers.traceparent)).toMatchObject({
      traceId: TRACE_ID,
      spanId: post?.spanId,
    });
    // Every span's parent is in the trace, except the request's (the caller's own span).
    for (const span of [attempt, delivery, post])
      expect(
        spans.map((s) => s.spanId),
        span?.name,
      ).toContain(span?.parentSpanId);
    for (const span of [request, attempt, delivery, post])
      expect(span?.endNanos).toBeGreaterThanOrEqual(span?.startNanos ?? 0n);
    expect(collector.requests.every((headers) => headers['x-collector-key'] === 'k=1')).toBe(true);
  });
});

observabilitySuite('embedded SQS', () => ({}));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
observabilitySuite('BullMQ on redis-server', () => ({ REDIS_URL: redis.url }));
