import type { EventBus, JobRecord, JobStatus, JobStore } from '@paperlane/core';

/**
 * Resolves with the job record once it reaches one of `statuses`, driven by job
 * events (subscribed before the first read, so none is missed); rejects after
 * `timeoutMs` with the record as it stands.
 */
export function waitForJob(
  store: JobStore,
  events: EventBus,
  ref: { tenantId: string; jobId: string },
  statuses: JobStatus[],
  timeoutMs = 20_000,
): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const check = async () => {
      const job = await store.get(ref);
      if (!settled && job && statuses.includes(job.status)) {
        settled = true;
        cleanup();
        resolve(job);
      }
    };
    const unsubscribe = events.subscribe((event) => {
      if ('jobId' in event && event.jobId === ref.jobId) void check().catch(fail);
    });
    const timer = setTimeout(async () => {
      const job = await store.get(ref).catch(() => undefined);
      fail(
        new Error(
          `job ${ref.jobId} did not reach ${statuses.join('|')} in ${timeoutMs} ms: ${JSON.stringify(job)}`,
        ),
      );
    }, timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      unsubscribe();
    }
    function fail(error: unknown) {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    }
    void check().catch(fail);
  });
}
