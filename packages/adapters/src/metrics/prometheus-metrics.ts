import type { Metrics } from '@paperlane/core';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One metric of a snapshot: the plain-data part of what prom-client's `getMetricsAsJSON()` gives. */
export interface MetricsSnapshotEntry {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: Array<{ value: number; labels: Record<string, string | number | undefined>; metricName?: string }>;
}
/** One process's metrics as plain data: what a child relays to the API process over IPC. */
export type MetricsSnapshot = MetricsSnapshotEntry[];
type AggregateInput = Parameters<typeof AggregatorRegistry.aggregate>[0];

/** Seconds: jobs run from milliseconds (a webhook) to minutes (OCR of a long PDF). */
const JOB_SECONDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ATTEMPTS = [1, 2, 3, 4, 5, 8, 13];

export interface PrometheusMetrics extends Metrics {
  /** This process's own registry (never prom-client's global one: tests run many in one process). */
  readonly registry: Registry;
  /** This process's metrics, serialisable for the IPC relay. */
  snapshot(): Promise<MetricsSnapshot>;
  /** Prometheus text of this process merged with snapshots relayed from others (counters summed). */
  render(others?: readonly MetricsSnapshot[]): Promise<string>;
  readonly contentType: string;
}

/**
 * The metrics port on prom-client, for Node processes (`npm start`, `npm run api`, workers).
 *
 * @example
 * const metrics = createPrometheusMetrics();
 * metrics.jobAttempt({ queue: 'thumbnail', outcome: 'completed', durationMs: 120, attempt: 1 });
 * const text = await metrics.render();
 */
export function createPrometheusMetrics(options: { prefix?: string } = {}): PrometheusMetrics {
  const prefix = options.prefix ?? 'paperlane_';
  const registry = new Registry();
  const registers = [registry];
  const jobDuration = new Histogram({
    name: `${prefix}job_duration_seconds`,
    help: 'Duration of one job attempt, by queue and outcome (completed, failed, retried)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: JOB_SECONDS,
    registers,
  });
  const jobAttempts = new Histogram({
    name: `${prefix}job_attempts`,
    help: 'Which attempt of its job an attempt was, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: ATTEMPTS,
    registers,
  });
  const depth = new Gauge({
    name: `${prefix}queue_depth`,
    help: 'Messages per queue and state (waiting, in_flight, dlq), as read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers,
  });
  const webhook = new Histogram({
    name: `${prefix}webhook_delivery_duration_seconds`,
    help: 'Webhook POST latency by outcome (delivered: 2xx; failed: anything else or no answer)',
    labelNames: ['outcome'] as const,
    buckets: HTTP_SECONDS,
    registers,
  });
  const webhookStatus = new Counter({
    name: `${prefix}webhook_deliveries_total`,
    help: 'Webhook POSTs by response status class (2xx..5xx, or none)',
    labelNames: ['status_class'] as const,
    registers,
  });
  const http = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'API request latency by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_SECONDS,
    registers,
  });
  return {
    registry,
    contentType: registry.contentType,
    jobAttempt({ queue, outcome, durationMs, attempt }) {
      jobDuration.observe({ queue, outcome }, durationMs / 1000);
      jobAttempts.observe({ queue, outcome }, attempt);
    },
    queueDepth({ queue, waiting, inFlight, dlq }) {
      depth.set({ queue, state: 'waiting' }, waiting);
      depth.set({ queue, state: 'in_flight' }, inFlight);
      depth.set({ queue, state: 'dlq' }, dlq);
    },
    webhookDelivery({ outcome, durationMs, status }) {
      webhook.observe({ outcome }, durationMs / 1000);
      webhookStatus.inc({ status_class: status ? `${Math.floor(status / 100)}xx` : 'none' });
    },
    httpRequest({ method, route, status, durationMs }) {
      http.observe({ method, route, status: String(status) }, durationMs / 1000);
    },
    snapshot: async () => (await registry.getMetricsAsJSON()) as unknown as MetricsSnapshot,
    async render(others = []) {
      if (others.length === 0) return registry.metrics();
      // prom-client's own merge (sum per label set; gauges too, which only the API sets).
      const mine = (await registry.getMetricsAsJSON()) as unknown as MetricsSnapshot;
      const merged = AggregatorRegistry.aggregate([mine, ...others] as unknown as AggregateInput);
      return merged.metrics();
    },
  };
}
