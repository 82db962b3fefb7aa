import type { JobStatus, QueueName } from '@paperlane/core';

/** One job queue's depth, summed over its lanes; `failed` is the dead-letter queue (or BullMQ's failed set). */
export interface QueueStats {
  queue: QueueName;
  /** Ready to be taken (SQS: visible messages; BullMQ: wait + prioritized). */
  waiting: number;
  /** Taken by a consumer and not yet acknowledged (SQS: not visible; BullMQ: active). */
  inFlight: number;
  /** Not yet due (SQS: delayed messages; BullMQ: delayed jobs). */
  delayed: number;
  failed: number;
  paused: boolean;
}

/** A dead-lettered job: the DLQ/failed-set entry joined with its job record. */
export interface FailedJob {
  /** The transport's id for the entry (SQS message id, BullMQ job id). */
  entryId: string;
  /** Absent when the entry's body could not be decoded (it has no job). */
  jobId?: string;
  tenantId?: string;
  queue: QueueName;
  /** The record's status; `undefined` when there is no record. */
  status?: JobStatus;
  /** The job record's last error and code. */
  error?: string;
  errorCode?: string;
  attempts?: number;
  maxAttempts?: number;
  /** Why the consumer dead-lettered it (message attributes / BullMQ's failedReason). */
  deadLetterReason?: string;
  deadLetterCode?: string;
  /** When the entry was dead-lettered, when the transport says. */
  failedAt?: string;
}

export interface ListFailedOptions {
  /** 1-100. */
  limit: number;
  /** From a previous page. */
  cursor?: string;
  /** Only this tenant's entries (the API always passes the caller's tenant). */
  tenantId?: string;
}

export interface FailedPage {
  items: FailedJob[];
  cursor?: string;
  /** The scan stopped at its bound before the end of the DLQ: later entries are not in any page. */
  truncated: boolean;
}

export interface RedriveOptions {
  /** Job ids to redrive; absent = every entry (subject to `tenantId`). */
  ids?: readonly string[];
  /** Only this tenant's entries. */
  tenantId?: string;
}

export interface RedriveResult {
  /** Records reset to pending and messages back on their lane / jobs retried. */
  redriven: number;
  /** Entries removed because their record had moved on (retried by hand, completed): nothing to run. */
  discarded: number;
  /** Entries left in the DLQ: no job record, or an undecodable body. */
  skipped: number;
  /** Asked-for ids not found among the DLQ entries (or another tenant's). */
  notFound: string[];
}

/**
 * Operator actions on job queues, with one implementation per transport
 * (`createSqsQueueAdmin`, `createBullmqQueueAdmin`). The failed list is the
 * dead-letter queue; the job record stays the source of truth for error and attempts.
 *
 * @example
 * const stats = await queueAdmin.stats();
 * const page = await queueAdmin.listFailed('thumbnail', { limit: 20, tenantId });
 * await queueAdmin.redrive('thumbnail', { ids: [page.items[0].jobId!], tenantId });
 */
export interface QueueAdmin {
  readonly driver: 'sqs' | 'bullmq';
  stats(): Promise<QueueStats[]>;
  listFailed(queue: QueueName, options: ListFailedOptions): Promise<FailedPage>;
  /** Requeues each selected job's record (failed → pending, attempts reset) and puts it back on its queue. */
  redrive(queue: QueueName, options?: RedriveOptions): Promise<RedriveResult>;
  pause(queue: QueueName): Promise<void>;
  resume(queue: QueueName): Promise<void>;
}
