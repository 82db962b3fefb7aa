/**
 * The outbox sweeper on a schedule (EventBridge, every minute): re-sends jobs left
 * pending past the grace period and fails lapsed last attempts.
 */
import { createEmfMetrics } from '@paperlane/adapters/metrics/emf-metrics';
import { sweepOnce } from '@paperlane/runtime/dispatcher/sweeper';
import { createAwsWiring } from './aws-wiring';
import { enableCompileCache } from './compile-cache';
import { lazyRealtimePush } from './lazy-realtime-push';
import { settledHookOf } from './settled-hook';

enableCompileCache();
const wiring = createAwsWiring(process.env, { realtime: lazyRealtimePush });
const onSettled = settledHookOf(wiring);
const metrics = createEmfMetrics({ base: { function: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'sweeper' } });

export async function handler() {
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
    // job:failed pushes for lapsed last attempts finish before the environment freezes.
    await wiring.events.flush();
  }
}
