import type { Metrics } from '@paperlane/core';

type Unit = 'Milliseconds' | 'Count';

export interface EmfMetricsOptions {
  /** CloudWatch namespace (default `Paperlane`). */
  namespace?: string;
  /** Where a finished line goes; Lambda ships stdout to CloudWatch Logs, which extracts the metrics. */
  write?: (line: string) => void;
  /** Milliseconds since the epoch; injectable so tests can pin the timestamp. */
  now?: () => number;
  /** Dimensions added to every line (e.g. `{ function: 'paperlane-api' }`); keep them few. */
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
 * // stdout: {"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":"Paperlane",…}]},"route":"/api/jobs/:job_id",…}
 */
export function createEmfMetrics(options: EmfMetricsOptions = {}): Metrics {
  const Namespace = options.namespace ?? 'Paperlane';
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const base = options.base ?? {};

  /** `values` maps a metric name to its unit and value; `properties` are searchable members, not dimensions. */
  function emit(
    dimensions: Record<string, string>,
    values: Record<string, [Unit, number]>,
    properties: Record<string, string | number> = {},
  ) {
    const all = { ...base, ...dimensions };
    const line: Record<string, unknown> = {
      ...properties,
      ...all,
      _aws: {
        Timestamp: now(),
        CloudWatchMetrics: [
          {
            Namespace,
            Dimensions: [Object.keys(all)],
            Metrics: Object.entries(values).map(([Name, [Unit]]) => ({ Name, Unit })),
          },
        ],
      },
    };
    for (const [name, [, value]] of Object.entries(values)) line[name] = value;
    try {
      write(JSON.stringify(line));
    } catch {
      // A metric is never a reason for a job or a request to fail.
    }
  }

  return {
    jobAttempt: ({ queue, outcome, durationMs, attempt }) =>
      emit({ queue, outcome }, { JobDuration: ['Milliseconds', durationMs], JobAttempt: ['Count', attempt] }),
    // On AWS, SQS publishes every queue's depth to CloudWatch itself (ApproximateNumberOfMessages*).
    queueDepth: () => {},
    webhookDelivery: ({ outcome, durationMs }) =>
      emit({ outcome }, { WebhookDeliveryDuration: ['Milliseconds', durationMs] }),
    // The method and exact status are properties, not dimensions: each dimension set is a
    // billed metric, and route × status class is enough to alarm on; Logs Insights has the rest.
    httpRequest: ({ method, route, status, durationMs }) =>
      emit(
        { route, status_class: `${Math.floor(status / 100)}xx` },
        { HttpRequestDuration: ['Milliseconds', durationMs] },
        { method, status },
      ),
  };
}
