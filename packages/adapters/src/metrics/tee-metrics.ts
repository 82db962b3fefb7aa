import type { Metrics } from '@paperlane/core';

/**
 * One metrics port that hands every fact to each adapter in turn (Prometheus or EMF
 * beside the trace exporter). An adapter that throws despite the port's contract does
 * not keep the fact from the others.
 *
 * @example
 * const metrics = teeMetrics(createEmfMetrics(), createOtlpTraceExporter({ endpoint, serviceName }));
 */
export function teeMetrics(...adapters: Metrics[]): Metrics {
  if (adapters.length === 1 && adapters[0]) return adapters[0];
  const each =
    <K extends keyof Metrics>(method: K) =>
    (fact: Parameters<Metrics[K]>[0]) => {
      for (const adapter of adapters) {
        try {
          (adapter[method] as (fact: Parameters<Metrics[K]>[0]) => void)(fact);
        } catch {
          // A metric is never a reason for a job or a request to fail.
        }
      }
    };
  return {
    jobAttempt: each('jobAttempt'),
    queueDepth: each('queueDepth'),
    webhookDelivery: each('webhookDelivery'),
    httpRequest: each('httpRequest'),
  };
}
