import { z } from 'zod';
import { prioritySchema } from './envelope';
import { idSchema, queueNameSchema } from './queues';

export const JOB_STATUSES = ['pending', 'processing', 'complete', 'failed', 'cancelled'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['complete', 'failed', 'cancelled']);
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * The lifecycle as a table. `processing → pending` is a retry waiting for its
 * backoff; `failed|cancelled → pending` is a retry asked for by a person.
 * Nothing leaves `complete`.
 */
const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  pending: ['processing', 'cancelled', 'failed'],
  processing: ['complete', 'failed', 'pending', 'cancelled', 'processing'],
  complete: [],
  failed: ['pending'],
  cancelled: ['pending'],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A small JSON summary of what a job produced, safe to show to the tenant. */
export const jobResultSchema = z.record(z.string(), z.unknown());
export type JobResult = z.infer<typeof jobResultSchema>;

/** The `processing_jobs` record: the truth about a job, written before its message is sent. */
export const jobRecordSchema = z.object({
  tenantId: idSchema,
  jobId: idSchema,
  queue: queueNameSchema,
  targetType: z.string(),
  targetId: z.string(),
  documentId: idSchema.optional(),
  sessionId: idSchema.optional(),
  status: jobStatusSchema,
  progress: z.number().int().min(0).max(100),
  attempts: z.number().int().min(0),
  maxAttempts: z.number().int().min(1),
  priority: prioritySchema,
  payload: z.record(z.string(), z.unknown()),
  traceId: z.string(),
  dedupeKey: z.string().optional(),
  generation: z.number().int().min(0),
  lastError: z.string().optional(),
  errorCode: z.string().optional(),
  result: jobResultSchema.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Earliest instant a consumer may start it (delays, retry backoff). */
  availableAt: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  /** While `processing`: the holder's claim lapses at this instant (crash recovery). */
  leaseUntil: z.iso.datetime().optional(),
  /**
   * Outbox marker. Set by the same conditional write that made the job `complete` or
   * `failed` when effects must follow it (the settled hook: webhook fan-out, target
   * status); removed once they ran. While set, the job stays in the sweep index under
   * this instant, and the sweeper re-runs the hook when it passes.
   */
  settleAt: z.iso.datetime().optional(),
  /** How many times the sweeper took up this job's effects (their backoff). */
  settleTries: z.number().int().min(0).optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

/**
 * The error code of a job whose consumer died (crash, OOM, timeout) during its last
 * attempt: no handler ran to record the failure, so the sweeper or the next delivery does.
 */
export const CONSUMER_LOST = 'consumer_lost';

export function consumerLostMessage(maxAttempts: number): string {
  return `consumer stopped responding during the last of ${maxAttempts} attempts`;
}

/** A job failed because its consumer was lost, not because its handler said so. */
export function isConsumerLost(job: Pick<JobRecord, 'status' | 'errorCode'>): boolean {
  return job.status === 'failed' && job.errorCode === CONSUMER_LOST;
}
