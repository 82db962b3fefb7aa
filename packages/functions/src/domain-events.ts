import { type Clock, type DomainEventSink, type JobRecord, systemClock } from '@paperlane/core';
import { recordLostInvoiceAttempt } from '@paperlane/jobs/invoice-processing/record-lost-attempt';
import { createWebhookFanout } from '@paperlane/jobs/webhooks/fanout';
import type { Store } from '@paperlane/store';

/** The app-wide durable event sink: every business event fans out to matching webhook subscriptions. */
export function createDomainEvents(
  store: Pick<Store, 'webhooks' | 'webhookDeliveries'>,
  queue: Parameters<typeof createWebhookFanout>[0]['queue'],
): DomainEventSink {
  return createWebhookFanout({ store, queue, clock: systemClock });
}

/**
 * The processor's `onSettled` hook: a job that completed or failed for good becomes
 * `job.completed` / `job.failed`. Webhook deliveries themselves are left out, or
 * every delivery would announce itself to every `job.*` subscriber, forever.
 */
export function jobSettledEvents(sink: DomainEventSink) {
  return async (job: JobRecord): Promise<void> => {
    if (job.queue === 'webhook-delivery') return;
    const type = job.status === 'complete' ? 'job.completed' : 'job.failed';
    await sink.publish({
      tenantId: job.tenantId,
      type,
      id: `${type}:${job.jobId}`,
      payload: {
        job_id: job.jobId,
        queue: job.queue,
        status: job.status,
        attempts: job.attempts,
        target_type: job.targetType,
        target_id: job.targetId,
        ...(job.documentId ? { document_id: job.documentId } : {}),
        ...(job.sessionId ? { session_id: job.sessionId } : {}),
        ...(job.lastError ? { error: job.lastError } : {}),
        ...(job.errorCode ? { error_code: job.errorCode } : {}),
        ...(job.result ? { result: job.result } : {}),
      },
    });
  };
}

/**
 * Everything that follows a job finishing for good, for the processor and the sweeper
 * alike: the target learns of a lost last attempt, then subscribers hear of it.
 */
export function jobSettledHook(deps: {
  store: Pick<Store, 'invoices' | 'documents'>;
  domainEvents: DomainEventSink;
  clock: Clock;
}) {
  const announce = jobSettledEvents(deps.domainEvents);
  return async (job: JobRecord): Promise<void> => {
    try {
      await recordLostInvoiceAttempt(deps, job);
    } finally {
      await announce(job);
    }
  };
}
