import type { MetricsSnapshot, PrometheusMetrics } from '@paperlane/adapters/metrics/prometheus-metrics';
import type { MetricsExposition } from '@paperlane/api';
import { describeError, type Logger } from '@paperlane/core';
import type { QueueAdmin } from '@paperlane/runtime';

/**
 * `GET /metrics` for a Node process: its own registry, plus the latest snapshots the
 * other processes of `npm start` relayed through the supervisor (counters summed).
 * Queue depths are read from the transport at scrape time, best effort: a broker that
 * does not answer leaves the last values and the scrape still succeeds.
 *
 * @example buildApiDeps(container, { metricsExposition: metricsExposition(container.metrics, { logger }) })
 */
export function metricsExposition(
  metrics: PrometheusMetrics,
  options: { relayed?: () => readonly MetricsSnapshot[]; queueAdmin?: QueueAdmin; logger: Logger },
): MetricsExposition {
  return {
    contentType: metrics.contentType,
    async render() {
      if (options.queueAdmin) {
        try {
          for (const stats of await options.queueAdmin.stats())
            metrics.queueDepth({
              queue: stats.queue,
              waiting: stats.waiting + stats.delayed,
              inFlight: stats.inFlight,
              dlq: stats.failed,
            });
        } catch (error) {
          options.logger.warn('queue depths not read for /metrics', { error: describeError(error) });
        }
      }
      return metrics.render(options.relayed?.() ?? []);
    },
  };
}
