/**
 * The outbox sweeper on a schedule (EventBridge, every minute): re-sends jobs left
 * pending past the grace period and fails lapsed last attempts.
 */
import { createEmfMetrics } from '@paperlane/adapters/metrics/emf-metrics';
import { teeMetrics } from '@paperlane/adapters/metrics/tee-metrics';
import { sweepOnce } from '@paperlane/runtime/dispatcher/sweeper';
import { createAwsWiring } from './aws-wiring';
import { enableCompileCache } from './compile-cache';
import { lambdaTraces } from './lambda-traces';
import { lazyRealtimePush } from './lazy-realtime-push';
import { settledHookOf } from './settled-hook';

enableCompileCache();
const wiring = createAwsWiring(process.env, { realtime: lazyRealtimePush });
const onSettled = settledHookOf(wiring);
const emf = createEmfMetrics({ base: { function: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'sweeper' } });
// Attempts the sweeper fails for good (lapsed last attempts) are spans too, when traces are exported.
const traces = lambdaTraces(wiring.config.source, 'sweeper', wiring.logger);
const metrics = traces ? teeMetrics(emf, traces.metrics) : emf;

export async function handler() {
  await traces?.ready();
  try {
    const report = await sweepOnce({
      ...wiring.common,
      store: wiring.store.jobs,
      dispatcher: wiring.dispatcher,
      events: wiring.events,
      onSettled,
      metrics,
      ...(wiring.admission ? { admission: wiring.admission } : {}),
      limit: 500,
    });
    wiring.logger.info('sweep finished', { ...report });
    return report;
  } finally {
    // job:failed pushes for lapsed last attempts, and spans, finish before the environment freezes.
    await Promise.all([wiring.events.flush(), traces?.flush()]);
  }
}
