import type { JobRecord } from '@paperlane/core';
import type { ApiDeps } from '../deps';

export type RetryOutcome = { outcome: 'ok' | 'not_found' | 'conflict'; job?: JobRecord };

/** Requeues run this many at a time: a bulk retry of 500 neither crawls nor floods the store. */
const CONCURRENCY = 8;

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
  const results: RetryOutcome[] = new Array(jobIds.length);
  const requeued: JobRecord[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < jobIds.length) {
      const n = next++;
      const jobId = jobIds[n] as string;
      const now = deps.clock.now();
      const job = await deps.store.jobs.requeue({
        tenantId,
        jobId,
        now,
        sweepAt: new Date(now.getTime() + deps.sweepGraceMs),
      });
      if (job) {
        requeued.push(job);
        results[n] = { outcome: 'ok', job };
        continue;
      }
      const current = await deps.store.jobs.get({ tenantId, jobId });
      results[n] = current ? { outcome: 'conflict', job: current } : { outcome: 'not_found' };
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobIds.length) }, worker));
  // Were this send lost, the sweeper re-sends the requeued jobs after the grace period.
  if (requeued.length > 0) await deps.dispatcher.resend(requeued);
  return results;
}
