import type { Metrics } from '@paperlane/core';

/** One EMF metric declaration: a name and a CloudWatch unit. */
interface EmfMetric {
  Name: string;
  Unit: 'Milliseconds' | 'Count';
}

export interface EmfMetricsOptions {
  /** CloudWatch namespace (default `Paperlane`). */
  namespace?: string;
  /** Where a finished line goes; Lambda ships stdout to CloudWatch Logs, which extracts the metrics. */
  write?: (line: string) => void;
  /** Milliseconds since the epoch; injectable so tests can pin the timestamp. */
  now?: () => number;
  /** Dimensions added to every line (e.g. `{ service: 'paperlane-api' }`); keep them few. */
  base?: Record<string, string>;
}

/**
 * The metrics port as CloudWatch embedded metric format: one JSON log line per
 * observation, which CloudWatch Logs turns into metrics without an API call (nothing
 * to flush before Lambda freezes the environment, and no SDK in the bundle). Each line
 * declares its metrics under `_aws.CloudWatchMetrics` and carries dimension and metric
 * values as top-level members, as the format requires.
 *
 * @example
 * const metrics = createEmfMetrics({ base: { function: 'paperlane-api' } });
 * metrics.httpRequest({ method: 'GET', route: '/api/jobs/:job_id', status: 200, durationMs: 12 });
 * // stdout: {"_aws":{"Timestamp":...,"CloudWatchMetrics":[{"Namespace":"Paperlane",...}]},"route":"/api/jobs/:job_id",...}
 */
export function createEmfMetrics(options: EmfMetricsOptions = {}): Metrics {
  const namespace = options.namespace ?? 'Paperlane';
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const base = options.base ?? {};
  const baseKeys = Object.keys(base);

  function emit(
    dimensions: Record<string, string>,
    metrics: EmfMetric[],
    values: Record<string, number>,
    properties: Record<string, string | number> = {},
  ) {
    const line = {
      _aws: {
        Timestamp: now(),
        CloudWatchMetrics: [
          { Namespace: namespace, Dimensions: [[...baseKeys, ...Object.keys(dimensions)]], Metrics: metrics },
        ],
      },
      ...properties,
      ...base,
      ...dimensions,
      ...values,
    };
    try {
      write(JSON.stringify(line));
    } catch {
      // A metric is never a reason for a job or a request to fail.
    }
  }

  return {
    jobAttempt({ queue, outcome, durationMs, attempt }) {
      emit(
        { queue, outcome },
        [
          { Name: 'JobDuration', Unit: 'Milliseconds' },
          { Name: 'JobAttempt', Unit: 'Count' },
        ],
        { JobDuration: durationMs, JobAttempt: attempt },
      );
    },
    queueDepth({ queue, waiting, inFlight, dlq }) {
      emit(
        { queue },
        [
          { Name: 'QueueWaiting', Unit: 'Count' },
          { Name: 'QueueInFlight', Unit: 'Count' },
          { Name: 'QueueDlq', Unit: 'Count' },
        ],
        { QueueWaiting: waiting, QueueInFlight: inFlight, QueueDlq: dlq },
      );
    },
    webhookDelivery({ outcome, durationMs }) {
      emit({ outcome }, [{ Name: 'WebhookDeliveryDuration', Unit: 'Milliseconds' }], {
        WebhookDeliveryDuration: durationMs,
      });
    },
    httpRequest({ method, route, status, durationMs }) {
      // The method and exact status are properties, not dimensions: each dimension set is a
      // billed metric, and route × status class is enough to alarm on; Logs Insights has the rest.
      emit(
        { route, status_class: `${Math.floor(status / 100)}xx` },
        [{ Name: 'HttpRequestDuration', Unit: 'Milliseconds' }],
        { HttpRequestDuration: durationMs },
        { method, status },
      );
    },
  };
}
