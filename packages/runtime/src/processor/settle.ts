import {
  describeError,
  type FaultHook,
  isInjectedFault,
  isPermanent,
  type JobRecord,
  type JobStore,
  type Logger,
  reachFault,
} from '@paperlane/core';

/** What the settled hook is told besides the job: where a test may stop it. */
export interface SettleOptions {
  faults?: FaultHook;
}

/**
 * Effects that must follow a job's final state (`job.completed` / `job.failed` webhook
 * fan-out, the target's status). Must be idempotent: after a crash the sweeper runs it
 * again for the same record.
 */
export type SettledHook = (job: JobRecord, options?: SettleOptions) => Promise<void>;

export interface SettleDeps {
  store: Pick<JobStore, 'clearSettle'>;
  onSettled?: SettledHook;
  faults?: FaultHook;
  logger: Logger;
}

/**
 * Runs the settled hook for a finished job, then clears its outbox marker. A hook that
 * throws leaves the marker for the sweeper to try again later, except a permanent
 * error (an event that can never be delivered), which is logged and cleared so it is
 * not retried forever. An injected fault passes straight through: the "process" died.
 * Resolves `true` when the effects ran.
 */
export async function runSettledHook(job: JobRecord, deps: SettleDeps): Promise<boolean> {
  if (!deps.onSettled) return true;
  let ran = true;
  try {
    await deps.onSettled(job, deps.faults ? { faults: deps.faults } : undefined);
  } catch (error) {
    if (isInjectedFault(error)) throw error;
    if (!isPermanent(error)) {
      deps.logger.error('settled hook failed; the sweeper runs it again', {
        jobId: job.jobId,
        error: describeError(error),
      });
      return false;
    }
    deps.logger.error('settled hook failed for good; its effects are dropped', {
      jobId: job.jobId,
      error: describeError(error),
    });
    ran = false;
  }
  if (deps.faults) await reachFault(deps.faults, 'after-hook');
  if (job.settleAt !== undefined) {
    try {
      await deps.store.clearSettle({ tenantId: job.tenantId, jobId: job.jobId, generation: job.generation });
    } catch (error) {
      // The effects ran; the sweeper will run them again (harmless) and clear the marker then.
      deps.logger.warn('outbox marker not cleared', { jobId: job.jobId, error: describeError(error) });
    }
    if (deps.faults) await reachFault(deps.faults, 'after-settle-clear');
  }
  return ran;
}
