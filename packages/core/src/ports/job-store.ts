import type { Priority } from '../envelope';
import type { JobRecord, JobResult, JobStatus } from '../job';
import type { QueueName } from '../queues';

export interface NewJob {
  tenantId: string;
  jobId: string;
  queue: QueueName;
  payload: Record<string, unknown>;
  priority: Priority;
  traceId: string;
  maxAttempts: number;
  dedupeKey?: string;
  documentId?: string;
  sessionId?: string;
  targetType: string;
  targetId: string;
  now: Date;
  availableAt: Date;
  /** When the outbox sweeper should look at this job if no consumer has claimed it. */
  sweepAt: Date;
}

export type CreateJobResult = { created: boolean; job: JobRecord };

export type ClaimResult =
  /** `job.attempts` is this attempt's number, and the fencing token for every later write. */
  | { outcome: 'claimed'; job: JobRecord }
  /** complete, failed or cancelled: acknowledge the message, run nothing. */
  | { outcome: 'finished'; job: JobRecord }
  /** Delivered before its time (a long delay, or a retry's backoff). */
  | { outcome: 'not-yet'; job: JobRecord; availableAt: Date }
  /** Another consumer holds a live claim (a duplicate delivery). */
  | { outcome: 'leased'; job: JobRecord; leaseUntil: Date }
  /** No record: a message without a job (should not happen; dead-letter it). */
  | { outcome: 'missing' };

export interface JobRef {
  tenantId: string;
  jobId: string;
}

/** Writes made by the claim holder carry its attempt number; a stale holder's write is refused. */
export interface FencedRef extends JobRef {
  attempt: number;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string;
}

/**
 * Job records, tenant-scoped on every call. State changes are conditional writes:
 * methods that return `undefined` or `false` mean "the record was not in a state
 * that allows this" (lost claim, finished job), never a silent overwrite.
 */
export interface JobStore {
  /** Idempotent on `jobId`: a second create returns the existing record with `created: false`. */
  create(job: NewJob): Promise<CreateJobResult>;
  get(ref: JobRef): Promise<JobRecord | undefined>;
  /** In the order asked, without missing or repeated ids. */
  getMany(tenantId: string, jobIds: readonly string[]): Promise<JobRecord[]>;

  /** pending (and due) → processing, or takes over a processing job whose lease lapsed. */
  claim(input: JobRef & { now: Date; leaseMs: number }): Promise<ClaimResult>;
  renewLease(input: FencedRef & { now: Date; leaseMs: number }): Promise<boolean>;
  setProgress(input: FencedRef & { progress: number; now: Date }): Promise<boolean>;
  /** With `settleDueAt`, the same write sets the outbox marker `settleAt` (see {@link JobStore.clearSettle}). */
  complete(
    input: FencedRef & { result?: JobResult; now: Date; settleDueAt?: Date },
  ): Promise<JobRecord | undefined>;
  /**
   * Terminal failure. With `attempt`, only the claim holder may fail the job; without
   * it, only a `pending` job (one whose message could not be decoded) can be failed.
   * With `lapsedBefore`, only while the holder's lease ended before that instant (the
   * sweeper: a holder that came back and renewed keeps its job). With `settleDueAt`, the
   * same write sets the outbox marker.
   */
  fail(
    input: JobRef & {
      attempt?: number;
      error: string;
      errorCode: string;
      now: Date;
      lapsedBefore?: Date;
      settleDueAt?: Date;
    },
  ): Promise<JobRecord | undefined>;
  /** processing → pending until `availableAt`, keeping the error. */
  scheduleRetry(
    input: FencedRef & { error: string; errorCode: string; now: Date; availableAt: Date; sweepAt: Date },
  ): Promise<JobRecord | undefined>;
  /**
   * pending|processing → cancelled. A running holder's next fenced write fails and it stops.
   * With `settleDueAt`, the job keeps an outbox marker due then, so the sweeper runs the
   * settled hook for it (a cancelled job can be the last one its upload session waits for).
   */
  cancel(input: JobRef & { now: Date; settleDueAt?: Date }): Promise<JobRecord | undefined>;
  /** failed|cancelled → pending with a fresh attempt budget and the next generation. */
  requeue(input: JobRef & { now: Date; sweepAt: Date }): Promise<JobRecord | undefined>;

  listBySession(tenantId: string, sessionId: string, page?: PageRequest): Promise<Page<JobRecord>>;
  listByDocument(tenantId: string, documentId: string, page?: PageRequest): Promise<Page<JobRecord>>;
  listByStatus(
    tenantId: string,
    queue: QueueName,
    status: JobStatus,
    page?: PageRequest,
  ): Promise<Page<JobRecord>>;

  /**
   * The outbox sweeper's work list, across tenants: live jobs whose sweep time has
   * passed, and finished ones whose outbox marker (`settleAt`) has.
   */
  listDue(now: Date, limit: number): Promise<JobRecord[]>;
  /**
   * Takes up a due outbox marker: moves `settleAt` to `next` (the retry time if this run
   * dies or fails) and counts the try, only if the marker still reads `expectSettleAt`.
   * `undefined` when someone else took or cleared it first.
   */
  takeSettle(input: JobRef & { expectSettleAt: string; next: Date }): Promise<JobRecord | undefined>;
  /**
   * Removes the outbox marker once the effects ran; only for the `generation` that set
   * it, so a late run cannot clear the marker of a later run of a retried job. `false`
   * when there was no such marker (already cleared: harmless).
   */
  clearSettle(input: JobRef & { generation: number }): Promise<boolean>;
  /**
   * Moves a job's sweep time on, only if nobody changed the record since
   * `expectUpdatedAt`. Does not touch `updatedAt`: it is bookkeeping, not a change.
   */
  deferSweep(input: JobRef & { expectUpdatedAt: string; sweepAt: Date }): Promise<boolean>;
}
