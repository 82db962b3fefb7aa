import type { JobStatus } from '@paperlane/core';
import type { Condition } from 'dynamodb-toolbox';
import type { JobEntity } from './job-entity';

/**
 * Named clauses for the Job state machine, so each write reads as the rule it
 * enforces. Timestamps are ISO strings, which compare in time order.
 */
export type JobCondition = Condition<JobEntity>;

export const LIVE_STATUSES = ['pending', 'processing'] as const satisfies readonly JobStatus[];
export const RETRYABLE_STATUSES = ['failed', 'cancelled'] as const satisfies readonly JobStatus[];

export const absent: JobCondition = { attr: 'jobId', exists: false };

export function hasStatus(status: JobStatus): JobCondition {
  return { attr: 'status', eq: status };
}

export function statusIn(statuses: readonly JobStatus[]): JobCondition {
  return { attr: 'status', in: [...statuses] };
}

/**
 * `claim`: a pending job whose time has come, or a processing one whose holder's
 * lease lapsed. Both are `readyAt <= now`; terminal jobs have no `readyAt`.
 */
export function claimableAt(nowIso: string): JobCondition {
  return { attr: 'readyAt', lte: nowIso };
}

/** Fencing: only the current claim holder (its attempt number) may write. */
export function heldBy(attempt: number): JobCondition {
  return { and: [hasStatus('processing'), { attr: 'attempts', eq: attempt }] };
}

/** Optimistic check for the sweeper: nobody wrote the job since it was listed. */
export function unchangedSince(updatedAt: string): JobCondition {
  return { and: [{ attr: 'updatedAt', eq: updatedAt }, statusIn(LIVE_STATUSES)] };
}

/** The sweeper's consumer-lost failure: the holder's lease is still over when the write lands. */
export function leaseEndedBefore(iso: string): JobCondition {
  return { attr: 'leaseUntil', lt: iso };
}

/** The outbox marker still reads what the sweeper listed (nobody took or cleared it since). */
export function settleMarkerIs(settleAt: string): JobCondition {
  return { attr: 'settleAt', eq: settleAt };
}

/** An outbox marker set by this generation's final write. */
export function settleMarkerOf(generation: number): JobCondition {
  return {
    and: [
      { attr: 'settleAt', exists: true },
      { attr: 'generation', eq: generation },
    ],
  };
}
