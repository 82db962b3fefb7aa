import {
  type Clock,
  type DomainEventPublishOptions,
  type DomainEventSink,
  type EmailSender,
  type EventBus,
  type FaultHook,
  isInjectedFault,
  type JobRecord,
  jobSettledPayload,
  parseTraceparent,
  reachFault,
  systemClock,
} from '@paperlane/core';
import { recordLostInvoiceAttempt } from '@paperlane/jobs/invoice-processing/record-lost-attempt';
import { settleSession } from '@paperlane/jobs/sessions/session-completion';
import { createWebhookFanout } from '@paperlane/jobs/webhooks/fanout';
import { recordLostWebhookDelivery } from '@paperlane/jobs/webhooks/record-lost-delivery';
import type { Store } from '@paperlane/store';

/** The app-wide durable event sink: every business event fans out to matching webhook subscriptions. */
export function createDomainEvents(
  store: Pick<Store, 'webhooks' | 'webhookDeliveries'>,
  queue: Parameters<typeof createWebhookFanout>[0]['queue'],
): DomainEventSink {
  return createWebhookFanout({ store, queue, clock: systemClock });
}

/**
 * The webhook event id of a job's final outcome: derived from the job and its run
 * (`generation`, bumped by a retry by hand), so re-running the settled hook finds the
 * deliveries it made before, and a retried job's new outcome is a new event.
 */
export function jobSettledEventId(job: Pick<JobRecord, 'status' | 'jobId' | 'generation'>): string {
  const type = job.status === 'complete' ? 'job.completed' : 'job.failed';
  return job.generation > 0 ? `${type}:${job.jobId}:g${job.generation}` : `${type}:${job.jobId}`;
}

/**
 * The processor's `onSettled` hook: a job that completed or failed for good becomes
 * `job.completed` / `job.failed` (a cancelled one announces nothing). Webhook deliveries themselves are left out, or
 * every delivery would announce itself to every `job.*` subscriber, forever.
 */
export function jobSettledEvents(sink: DomainEventSink) {
  return async (job: JobRecord, options?: DomainEventPublishOptions): Promise<void> => {
    // A cancelled job has no catalog event: the caller who cancelled it knows already.
    if (job.queue === 'webhook-delivery' || job.status === 'cancelled') return;
    const type = job.status === 'complete' ? 'job.completed' : 'job.failed';
    await sink.publish(
      {
        tenantId: job.tenantId,
        type,
        id: jobSettledEventId(job),
        payload: jobSettledPayload(job),
      },
      options,
    );
  };
}

/**
 * Everything that follows a job finishing for good, for the processor and the sweeper
 * alike: the target learns of a lost last attempt (an invoice, or a webhook delivery),
 * then subscribers hear of it, then the job's upload session is completed and announced
 * if this was its last job. Every step is idempotent (status writes that land in the
 * same state, deliveries and their jobs keyed by the event id, the session's conditional
 * completion and announcement claim), because the sweeper runs the hook again whenever
 * the job's outbox marker outlives a run.
 */
export function jobSettledHook(deps: {
  store: Pick<Store, 'invoices' | 'documents' | 'webhookDeliveries' | 'sessions' | 'jobs' | 'table'>;
  domainEvents: DomainEventSink;
  /** The realtime bus, for `session:completed`. */
  events: Pick<EventBus, 'publish'>;
  /** The uploader's completion email (`notify_email`); undefined where email is not configured. */
  email?: EmailSender;
  clock: Clock;
}) {
  const announce = jobSettledEvents(deps.domainEvents);
  return async (job: JobRecord, settle?: { faults?: FaultHook }): Promise<void> => {
    // What the outcome fans out to continues the job's trace, from the processor and the
    // sweeper alike (the job's own span: the hook runs outside any attempt's).
    const parent = parseTraceparent(job.traceId);
    const options = parent ? { ...settle, parent } : settle;
    let targetError: unknown;
    try {
      await recordLostInvoiceAttempt(deps, job);
      await recordLostWebhookDelivery(deps, job);
    } catch (error) {
      if (isInjectedFault(error)) throw error;
      // Subscribers still hear of the outcome; the error keeps the marker for another run.
      targetError = error;
    }
    if (options?.faults && targetError === undefined) await reachFault(options.faults, 'after-target-status');
    await announce(job, options);
    if (job.sessionId)
      await settleSession(deps, { tenantId: job.tenantId, sessionId: job.sessionId }, options);
    if (targetError !== undefined) throw targetError;
  };
}
