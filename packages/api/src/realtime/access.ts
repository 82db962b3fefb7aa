import type { JobEvent, JobEventType, JobRecord } from '@paperlane/core';
import type { Store, UploadSessionRecord } from '@paperlane/store';
import {
  type JobEventView,
  presentJobEvent,
  type SessionSnapshotView,
  SNAPSHOT_MAX_JOBS,
  type SnapshotMessage,
  type SubscriptionTarget,
} from './protocol';

/**
 * What a tenant sees of a target it may follow: the snapshot of its current state, or
 * `undefined` when it is not the tenant's (or does not exist): the caller answers `not_found`.
 */
export type TargetAccess = (
  tenantId: string,
  target: SubscriptionTarget,
) => Promise<SnapshotMessage | undefined>;

/** The event type that describes a job's current status: `job:<status>` once final. */
function typeForStatus({ status, attempts }: JobRecord): JobEventType {
  if (status === 'pending') return attempts > 0 ? 'job:retrying' : 'job:progress';
  return status === 'processing' ? 'job:progress' : `job:${status}`;
}

/**
 * A job record as the job event of its current status, stamped with its last write:
 * what a client that missed the live events would have ended with.
 *
 * @example jobStateView(job) // { type: 'job:complete', job_id, status: 'complete', progress: 100, ... }
 */
export function jobStateView(job: JobRecord): JobEventView {
  const type = typeForStatus(job);
  return presentJobEvent({
    type,
    jobId: job.jobId,
    tenantId: job.tenantId,
    queue: job.queue,
    status: job.status,
    progress: job.progress,
    attempt: job.attempts,
    documentId: job.documentId,
    sessionId: job.sessionId,
    // As the live events: the error of a failure or retry, the result of a completion.
    error: job.status === 'complete' ? undefined : job.lastError?.slice(0, 2000),
    result: job.result,
    at: job.updatedAt,
  } as JobEvent);
}

function sessionView(session: UploadSessionRecord, jobs: readonly JobRecord[]): SessionSnapshotView {
  const count = (status: JobRecord['status']) => jobs.filter((j) => j.status === status).length;
  // A finished session's counts were taken over all its jobs; a snapshot page may hold fewer.
  const counts = session.counts ?? {
    complete: count('complete'),
    failed: count('failed'),
    cancelled: count('cancelled'),
  };
  return {
    session_id: session.sessionId,
    status: session.status,
    expected_jobs: session.expectedJobs ?? session.jobIds.length,
    ...counts,
    ...(session.completedAt ? { completed_at: session.completedAt } : {}),
  };
}

/**
 * Access and snapshot from the store in one read. Reads are tenant-keyed, so another
 * tenant's id (guessed or leaked) is simply absent and the caller answers `not_found`.
 * A session's snapshot holds at most {@link SNAPSHOT_MAX_JOBS} jobs.
 *
 * @example const snapshotOf = storeTargetAccess(store); await snapshotOf('acme', { kind: 'job', id })
 */
export function storeTargetAccess(
  store: Pick<Store, 'jobs' | 'sessions'>,
  clock: { now(): Date } = { now: () => new Date() },
): TargetAccess {
  return async (tenantId, target) => {
    const at = clock.now().toISOString();
    if (target.kind === 'session') {
      const session = await store.sessions.get({ tenantId, sessionId: target.id });
      if (!session) return undefined;
      const page = await store.jobs.listBySession(tenantId, target.id, { limit: SNAPSHOT_MAX_JOBS });
      return {
        type: 'snapshot',
        session_id: target.id,
        jobs: page.items.map(jobStateView),
        truncated: Boolean(page.cursor),
        session: sessionView(session, page.items),
        at,
      };
    }
    const job = await store.jobs.get({ tenantId, jobId: target.id });
    if (!job) return undefined;
    return { type: 'snapshot', job_id: target.id, jobs: [jobStateView(job)], truncated: false, at };
  };
}
