import {
  type EnqueueRequest,
  type EnqueueResult,
  type JobQueue,
  type JobStore,
  jobTarget,
  newId,
  type QueueName,
  stableId,
} from '@paperlane/core';

/**
 * Test support (not exported): a `JobQueue` that writes real job records to the
 * store with the dispatcher's dedupe rule (same tenant, queue and key → same job id)
 * and keeps what it was asked, instead of sending messages.
 */
export function recordingQueue(jobs: JobStore, now: () => Date) {
  const requests: EnqueueRequest[] = [];
  const queue: JobQueue = {
    async enqueue(name, payload, options = {}) {
      const [result] = await queue.enqueueMany([{ ...options, queue: name, payload } as EnqueueRequest]);
      return result!;
    },
    async enqueueMany(batch) {
      const results: EnqueueResult[] = [];
      for (const request of batch) {
        requests.push(request);
        const payload = request.payload as { tenantId: string } & Record<string, unknown>;
        const at = now();
        const { created, job } = await jobs.create({
          tenantId: payload.tenantId,
          jobId: request.dedupeKey
            ? stableId('job', payload.tenantId, request.queue, request.dedupeKey)
            : newId('job', at.getTime()),
          queue: request.queue as QueueName,
          payload,
          priority: request.priority ?? 'high',
          traceId: 'test',
          maxAttempts: 3,
          ...(request.dedupeKey ? { dedupeKey: request.dedupeKey } : {}),
          ...jobTarget(request.queue, request.payload),
          now: at,
          availableAt: at,
          sweepAt: new Date(at.getTime() + 60_000),
        });
        results.push({ job, created, sent: created });
      }
      return results;
    },
  };
  return { queue, requests };
}
