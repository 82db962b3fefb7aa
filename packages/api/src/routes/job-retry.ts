import type { JobRecord } from '@paperlane/core';
import type { ApiDeps } from '../deps';

export type RetryOutcome = { outcome: 'ok' | 'not_found' | 'conflict'; job?: JobRecord };

/**
 * Puts failed or cancelled jobs of one tenant back on their queues: each is requeued
 * by its own conditional write (a job someone else retried or that is not finished is
 * a `conflict`, an unknown id `not_found`), then every requeued job is sent in one
 * dispatcher call. The single retry route and both bulk retries go through here.
 *
 * @example
 * const [result] = await retryJobs(deps, tenantId, [jobId]);
 */
export async function retryJobs(
  deps: Pick<ApiDeps, 'store' | 'dispatcher' | 'clock' | 'sweepGraceMs'>,
  tenantId: string,
  jobIds: readonly string[],
): Promise<RetryOutcome[]> {
  const results: RetryOutcome[] = [];
  const requeued: JobRecord[] = [];
  for (const jobId of jobIds) {
    const now = deps.clock.now();
    const job = await deps.store.jobs.requeue({
      tenantId,
      jobId,
      now,
      sweepAt: new Date(now.getTime() + deps.sweepGraceMs),
    });
    if (job) requeued.push(job);
    const current = job ? undefined : await deps.store.jobs.get({ tenantId, jobId });
    results.push(
      job
        ? { outcome: 'ok', job }
        : current
          ? { outcome: 'conflict', job: current }
          : { outcome: 'not_found' },
    );
  }
  // Were this send lost, the sweeper re-sends the requeued jobs after the grace period.
  if (requeued.length > 0) await deps.dispatcher.resend(requeued);
  return results;
}
