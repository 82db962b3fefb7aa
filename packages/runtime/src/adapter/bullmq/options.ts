import type { AnyEnvelope, Priority, QueueTopology } from '@paperlane/core';

/**
 * BullMQ takes jobs from its plain wait list before its prioritized set, so
 * high-priority work goes on the wait list (0 = no priority, BullMQ's fast path)
 * and low-priority work into the prioritized set behind it.
 */
export const BULLMQ_PRIORITY: Record<Priority, number> = { high: 0, low: 100 };

export const PAPERLANE_BACKOFF = 'paperlane';

/** BullMQ job ids dedupe adds; the generation lets a job retried by hand be added again. */
export function bullmqJobId(envelope: Pick<AnyEnvelope, 'jobId' | 'generation'>): string {
  return envelope.generation > 0 ? `${envelope.jobId}.g${envelope.generation}` : envelope.jobId;
}

/**
 * Lock and stall settings. A CPU-heavy job (OCR, resizing) can block the event loop
 * long enough to miss lock renewals, so its lock is longer; a stalled job is put
 * back rather than failed, because the job record, not BullMQ, counts attempts.
 */
export function workerLockSettings(topology: QueueTopology, overrides: { lockDurationMs?: number } = {}) {
  const lockDuration = overrides.lockDurationMs ?? (topology.cpuHeavy ? 120_000 : 30_000);
  return {
    lockDuration,
    stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
    maxStalledCount: 1_000,
  };
}
