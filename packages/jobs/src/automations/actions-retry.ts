import type { Clock, JobRecord, JobRef, JobStore } from '@paperlane/core';

export type RetryOutcome = 'ok' | 'not_found' | 'conflict';

export interface JobRetrierDeps {
  jobs: Pick<JobStore, 'requeue' | 'get'>;
  /** Sends the requeued record's message: the dispatcher's `resend`. */
  resend(jobs: readonly JobRecord[]): Promise<unknown>;
  clock: Clock;
  /** How long the requeued job may wait unsent before the sweeper re-sends it. */
  sweepGraceMs: number;
}

/**
 * The `retryJob` port with the same steps as `POST /api/jobs/{id}/retry`: requeue
 * the failed or cancelled record (fresh attempt budget, next generation), then send it.
 *
 * @example retryJob: createJobRetrier({ jobs: store.jobs, resend: (j) => dispatcher.resend(j), clock, sweepGraceMs })
 */
export function createJobRetrier(deps: JobRetrierDeps): (ref: JobRef) => Promise<RetryOutcome> {
  return async (ref) => {
    const now = deps.clock.now();
    const requeued = await deps.jobs.requeue({
      ...ref,
      now,
      sweepAt: new Date(now.getTime() + deps.sweepGraceMs),
    });
    if (!requeued) return (await deps.jobs.get(ref)) ? 'conflict' : 'not_found';
    await deps.resend([requeued]);
    return 'ok';
  };
}
