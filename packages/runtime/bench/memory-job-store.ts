import { type ClaimResult, isoTime, type JobRecord, type JobStore, type NewJob } from '@paperlane/core';

/**
 * A job store in a Map, for measuring transport overhead without a database.
 * Benchmarks only: it implements the hot path (create, claim, renew, progress,
 * complete, fail, retry) with the same conditions as the DynamoDB store, and
 * updates records in place so its own cost stays out of the figures.
 */
export function createMemoryJobStore(): JobStore {
  const jobs = new Map<string, JobRecord>();
  const key = (tenantId: string, jobId: string) => `${tenantId}\u0000${jobId}`;
  const unsupported = (name: string) => () => {
    throw new Error(`${name} is not implemented by the benchmark store`);
  };
  const held = (tenantId: string, jobId: string, attempt: number) => {
    const job = jobs.get(key(tenantId, jobId));
    return job && job.status === 'processing' && job.attempts === attempt ? job : undefined;
  };
  const write = (job: JobRecord) => {
    jobs.set(key(job.tenantId, job.jobId), job);
    return job;
  };
  const update = (job: JobRecord, changes: Partial<JobRecord>) => Object.assign(job, changes);
  return {
    async create(input: NewJob) {
      const existing = jobs.get(key(input.tenantId, input.jobId));
      if (existing) return { created: false, job: existing };
      const now = isoTime(input.now);
      return {
        created: true,
        job: write({
          tenantId: input.tenantId,
          jobId: input.jobId,
          queue: input.queue,
          targetType: input.targetType,
          targetId: input.targetId,
          status: 'pending',
          progress: 0,
          attempts: 0,
          maxAttempts: input.maxAttempts,
          priority: input.priority,
          payload: input.payload,
          traceId: input.traceId,
          generation: 0,
          createdAt: now,
          updatedAt: now,
          availableAt: isoTime(input.availableAt),
        }),
      };
    },
    async get(ref) {
      return jobs.get(key(ref.tenantId, ref.jobId));
    },
    async getMany(tenantId, ids) {
      return ids.flatMap((id) => jobs.get(key(tenantId, id)) ?? []);
    },
    async claim({ tenantId, jobId, now, leaseMs }): Promise<ClaimResult> {
      const job = jobs.get(key(tenantId, jobId));
      if (!job) return { outcome: 'missing' };
      if (job.status === 'complete' || job.status === 'failed' || job.status === 'cancelled') {
        return { outcome: 'finished', job };
      }
      if (job.status === 'processing' && job.leaseUntil && new Date(job.leaseUntil) >= now) {
        return { outcome: 'leased', job, leaseUntil: new Date(job.leaseUntil) };
      }
      const iso = isoTime(now);
      job.status = 'processing';
      job.attempts += 1;
      job.leaseUntil = isoTime(new Date(now.getTime() + leaseMs));
      job.startedAt ??= iso;
      job.updatedAt = iso;
      return { outcome: 'claimed', job };
    },
    async renewLease({ tenantId, jobId, attempt, now, leaseMs }) {
      const job = held(tenantId, jobId, attempt);
      if (job) job.leaseUntil = isoTime(new Date(now.getTime() + leaseMs));
      return Boolean(job);
    },
    async setProgress({ tenantId, jobId, attempt, progress }) {
      const job = held(tenantId, jobId, attempt);
      if (job) job.progress = progress;
      return Boolean(job);
    },
    async complete({ tenantId, jobId, attempt, result, now }) {
      const job = held(tenantId, jobId, attempt);
      if (!job) return undefined;
      const iso = isoTime(now);
      job.status = 'complete';
      job.progress = 100;
      if (result) job.result = result;
      job.finishedAt = iso;
      job.updatedAt = iso;
      return job;
    },
    async fail({ tenantId, jobId, attempt, error, errorCode, now }) {
      const job = attempt === undefined ? jobs.get(key(tenantId, jobId)) : held(tenantId, jobId, attempt);
      if (!job || (attempt === undefined && job.status !== 'pending')) return undefined;
      const iso = isoTime(now);
      return write({
        ...job,
        status: 'failed',
        lastError: error,
        errorCode,
        finishedAt: iso,
        updatedAt: iso,
      });
    },
    async scheduleRetry({ tenantId, jobId, attempt, error, errorCode, now, availableAt }) {
      const job = held(tenantId, jobId, attempt);
      if (!job) return undefined;
      return update(job, {
        status: 'pending',
        lastError: error,
        errorCode,
        availableAt: isoTime(availableAt),
        updatedAt: isoTime(now),
      });
    },
    cancel: unsupported('cancel'),
    requeue: unsupported('requeue'),
    listBySession: unsupported('listBySession'),
    listByDocument: unsupported('listByDocument'),
    listByStatus: unsupported('listByStatus'),
    listDue: unsupported('listDue'),
    deferSweep: unsupported('deferSweep'),
    takeSettle: unsupported('takeSettle'),
    clearSettle: unsupported('clearSettle'),
  };
}
