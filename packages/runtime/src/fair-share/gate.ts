import { describeError, type JobStore, type Logger, type TenantQueue } from '@paperlane/core';
import type { Dispatcher } from '../dispatcher/dispatcher';
import type { Admission } from './admission';

/** The processor's side of fair share: a job runs only inside one of its tenant's slots. */
export interface FairShareGate {
  /**
   * `true` when the delivered job holds a slot (or cannot wait: it is not pending);
   * `false` when it went to its tenant's backlog, so the delivery is acknowledged
   * without running it and without spending an attempt.
   */
  enter(job: TenantQueue & { jobId: string }): Promise<boolean>;
  /** Frees the job's slot and lets the tenant's next held job in. Never throws. */
  leave(job: TenantQueue & { jobId: string }): Promise<void>;
}

/**
 * Builds the gate over an admission and the dispatcher that sends released jobs.
 *
 * @example
 * const fairShare = createFairShareGate({ admission, jobs: store.jobs, dispatcher, logger });
 * const processor = createProcessor({ ...deps, fairShare });
 */
export function createFairShareGate(deps: {
  admission: Admission;
  jobs: Pick<JobStore, 'get'>;
  dispatcher: Pick<Dispatcher, 'admitHeld'>;
  logger: Logger;
}): FairShareGate {
  return {
    async enter(job) {
      if (await deps.admission.admit(job)) return true;
      // Every slot is taken: only a job that is waiting to run can wait in the backlog. The
      // rest (finished, running elsewhere, missing) go on to the claim, which knows what to do.
      const record = await deps.jobs.get({ tenantId: job.tenantId, jobId: job.jobId });
      if (record?.status !== 'pending') return true;
      await deps.admission.hold(record);
      return false;
    },
    async leave(job) {
      try {
        await deps.admission.release(job);
        await deps.dispatcher.admitHeld(job);
      } catch (error) {
        // The slot is found again when the tenant runs out of them; the backlog by the sweeper.
        deps.logger.warn('fair share release failed', { jobId: job.jobId, error: describeError(error) });
      }
    },
  };
}
