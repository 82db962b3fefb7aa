import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from './prometheus-metrics';

describe('Prometheus metrics', () => {
  it('counts job attempts per queue and outcome in its own registry', async () => {
    const a = createPrometheusMetrics();
    const b = createPrometheusMetrics();
    a.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 120, attempt: 1 });
    a.jobAttempt({ queue: 'thumbnail', outcome: 'failed', durationMs: 5, attempt: 3 });
    const text = await a.render();
    expect(text).toContain('paperlane_job_duration_seconds_count{queue="thumbnail",outcome="completed"} 1');
    expect(text).toContain(
      'paperlane_job_duration_seconds_bucket{le="0.25",queue="thumbnail",outcome="completed"} 1',
    );
    expect(text).toContain('paperlane_job_attempts_sum{queue="thumbnail",outcome="failed"} 3');
    // Two instances in one process do not share state (prom-client's global registry is never used).
    expect(await b.render()).not.toContain('queue="thumbnail"');
  });

  it("merges other processes' snapshots: counters and histograms add up", async () => {
    const api = createPrometheusMetrics();
    const documents = createPrometheusMetrics();
    const integrations = createPrometheusMetrics();
    api.httpRequest({ method: 'GET', route: '/api/jobs/:job_id', status: 200, durationMs: 4 });
    documents.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 10, attempt: 1 });
    documents.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 10, attempt: 1 });
    integrations.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 10, attempt: 1 });
    integrations.webhookDelivery({ outcome: 'delivered', durationMs: 80, status: 204 });
    const text = await api.render([await documents.snapshot(), await integrations.snapshot()]);
    expect(text).toContain('paperlane_job_duration_seconds_count{queue="thumbnail",outcome="completed"} 3');
    expect(text).toContain(
      'paperlane_http_request_duration_seconds_count{method="GET",route="/api/jobs/:job_id",status="200"} 1',
    );
    expect(text).toContain('paperlane_webhook_deliveries_total{status_class="2xx"} 1');
  });

  it('sets queue depth gauges per state', async () => {
    const metrics = createPrometheusMetrics();
    metrics.queueDepth({ queue: 'automation', waiting: 4, inFlight: 2, dlq: 1 });
    metrics.queueDepth({ queue: 'automation', waiting: 0, inFlight: 2, dlq: 1 });
    const text = await metrics.render();
    expect(text).toContain('paperlane_queue_depth{queue="automation",state="waiting"} 0');
    expect(text).toContain('paperlane_queue_depth{queue="automation",state="dlq"} 1');
  });
});
