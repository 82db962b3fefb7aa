/**
 * npm run bench:metrics — what one recorded observation costs, in ns, for each metrics
 * adapter: Prometheus (prom-client histogram observe on a label set that exists after
 * the first call) and CloudWatch EMF (one JSON line built and handed to a sink that
 * drops it, so the cost is ours, not stdout's). Mixed observations as the processor and
 * the API make them: job attempts on rotating queues and outcomes, HTTP requests on a
 * few routes. BENCH_OBSERVATIONS (default 200000) and BENCH_ROUNDS (default 5) tune it;
 * the median round is printed.
 */
import { type Metrics, QUEUE_NAMES } from '@paperlane/core';
import { createEmfMetrics } from '../src/metrics/emf-metrics';
import { createPrometheusMetrics } from '../src/metrics/prometheus-metrics';

const OBSERVATIONS = Number(process.env.BENCH_OBSERVATIONS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OUTCOMES = ['completed', 'failed', 'retried'] as const;
const ROUTES = ['/api/jobs/:job_id', '/api/upload', '/api/documents/:document_id'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** ns per observation over one round. */
function round(metrics: Metrics): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < OBSERVATIONS; i++) {
    if (i % 2 === 0) {
      metrics.jobAttempt({
        queue: QUEUE_NAMES[i % QUEUE_NAMES.length] ?? 'thumbnail',
        outcome: OUTCOMES[i % OUTCOMES.length] ?? 'completed',
        durationMs: (i % 5000) + 0.5,
        attempt: (i % 3) + 1,
      });
    } else {
      metrics.httpRequest({
        method: 'GET',
        route: ROUTES[i % ROUTES.length] ?? '/',
        status: 200,
        durationMs: i % 50,
      });
    }
  }
  return Number(process.hrtime.bigint() - start) / OBSERVATIONS;
}

const adapters: Array<[string, () => Metrics]> = [
  ['prometheus (prom-client 15.1.3)', () => createPrometheusMetrics()],
  ['cloudwatch-emf (JSON line to a no-op sink)', () => createEmfMetrics({ write: () => {} })],
];

console.log(
  `bench:metrics — ${OBSERVATIONS} observations per round, median of ${ROUNDS} rounds, node ${process.version}`,
);
for (const [name, make] of adapters) {
  const metrics = make();
  round(metrics); // warm-up: label sets created, code optimised
  const rounds = Array.from({ length: ROUNDS }, () => round(metrics));
  console.log(`${name.padEnd(44)} ${median(rounds).toFixed(0).padStart(6)} ns/observation`);
}
