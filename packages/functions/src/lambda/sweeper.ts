/**
 * The outbox sweeper on a schedule (EventBridge, every minute): re-sends jobs left
 * pending past the grace period and fails lapsed last attempts.
 */
import { sweepOnce } from '@paperlane/runtime/dispatcher/sweeper';
import { createAwsWiring } from './aws-wiring';
import { lazyRealtimePush } from './lazy-realtime-push';
import { settledHookOf } from './settled-hook';

const wiring = createAwsWiring(process.env, { realtime: lazyRealtimePush });
const onSettled = settledHookOf(wiring);

export async function handler() {
  try {
    const report = await sweepOnce({
      ...wiring.common,
      store: wiring.store.jobs,
      dispatcher: wiring.dispatcher,
      events: wiring.events,
      onSettled,
      limit: 500,
    });
    wiring.logger.info('sweep finished', { ...report });
    return report;
  } finally {
    // job:failed pushes for lapsed last attempts finish before the environment freezes.
    await wiring.events.flush();
  }
}
