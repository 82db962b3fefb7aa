import type { EventBus, JobEvent, JobEventType, JobRecord, Logger } from '@paperlane/core';
import { describeError } from '@paperlane/core';

/** Builds the event for a record as it now stands. */
export function jobEvent(type: JobEventType, job: JobRecord, at: Date): JobEvent {
  return {
    type,
    jobId: job.jobId,
    tenantId: job.tenantId,
    queue: job.queue,
    ...(job.documentId ? { documentId: job.documentId } : {}),
    ...(job.sessionId ? { sessionId: job.sessionId } : {}),
    status: job.status,
    progress: job.progress,
    attempt: job.attempts,
    ...(job.lastError && (type === 'job:failed' || type === 'job:retrying')
      ? { error: job.lastError.slice(0, 2000) }
      : {}),
    ...(job.result && type === 'job:complete' ? { result: job.result } : {}),
    at: at.toISOString(),
  };
}

/** Publishing is best effort: a lost event never fails or retries a job (REST shows the truth). */
export async function publishSafely(events: EventBus, event: JobEvent, logger: Logger): Promise<void> {
  try {
    await events.publish(event);
  } catch (error) {
    logger.warn('event publish failed', {
      type: event.type,
      jobId: event.jobId,
      error: describeError(error),
    });
  }
}
