import type { EventBus, JobEvent, JobEventType, JobRecord, Logger } from '@paperlane/core';
import { describeError, isoTime } from '@paperlane/core';

/** Builds the event for a record as it now stands (on the hot path: no spreads). */
export function jobEvent(type: JobEventType, job: JobRecord, at: Date): JobEvent {
  const event: JobEvent = {
    type,
    jobId: job.jobId,
    tenantId: job.tenantId,
    queue: job.queue,
    status: job.status,
    progress: job.progress,
    attempt: job.attempts,
    at: isoTime(at),
  };
  if (job.documentId) event.documentId = job.documentId;
  if (job.sessionId) event.sessionId = job.sessionId;
  if (job.lastError && (type === 'job:failed' || type === 'job:retrying'))
    event.error = job.lastError.slice(0, 2000);
  if (job.result && type === 'job:complete') event.result = job.result;
  return event;
}

/**
 * Publishing is best effort and not awaited: a lost event never fails, delays or
 * retries a job (REST shows the truth). Buses keep publish order, so `started`
 * still precedes `complete`.
 */
export function publishSafely(events: EventBus, event: JobEvent, logger: Logger): void {
  events.publish(event).catch((error: unknown) => {
    logger.warn('event publish failed', {
      type: event.type,
      jobId: event.jobId,
      error: describeError(error),
    });
  });
}
