import type { MetricsSnapshot, PrometheusMetrics } from '@paperlane/adapters/metrics/prometheus-metrics';
import type { MetricsExposition } from '@paperlane/api';

/**
 * `GET /metrics` for a Node process: its own registry, plus the latest snapshots the
 * other processes of `npm start` relayed through the supervisor (counters summed).
 *
 * @example buildApiDeps(container, { metricsExposition: metricsExposition(container.metrics) })
 */
export function metricsExposition(
  metrics: PrometheusMetrics,
  relayed: () => readonly MetricsSnapshot[] = () => [],
): MetricsExposition {
  return { contentType: metrics.contentType, render: () => metrics.render(relayed()) };
}
