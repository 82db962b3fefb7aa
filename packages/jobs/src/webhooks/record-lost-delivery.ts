import type { Clock, JobRecord } from '@paperlane/core';
import type { Store } from '@paperlane/store';

/**
 * A settled hook for `webhook-delivery` jobs that failed without the handler recording
 * it (its consumer died on the last attempt, or the store was down when it tried): the
 * delivery would read `pending` forever with nothing left to send it. Marks it `failed`
 * with the job's reason. A delivery the handler already finished is left alone, so
 * running this twice changes nothing.
 */
export async function recordLostWebhookDelivery(
  deps: { store: Pick<Store, 'webhookDeliveries'>; clock: Clock },
  job: JobRecord,
): Promise<void> {
  if (job.queue !== 'webhook-delivery' || job.status !== 'failed' || job.targetType !== 'webhook-delivery')
    return;
  const ref = { tenantId: job.tenantId, deliveryId: job.targetId };
  const delivery = await deps.store.webhookDeliveries.get(ref);
  if (delivery?.status !== 'pending') return;
  await deps.store.webhookDeliveries.recordAttempt({
    ...ref,
    status: 'failed',
    attempts: delivery.attempts,
    error: (job.lastError ?? 'the delivery job failed').slice(0, 1000),
    nextAttemptAt: null,
    at: deps.clock.now(),
  });
}
