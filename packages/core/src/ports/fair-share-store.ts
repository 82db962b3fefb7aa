import type { QueueName } from '../queues';

/** One tenant's share of one queue: the unit a fair-share cap counts in. */
export interface TenantQueue {
  tenantId: string;
  queue: QueueName;
}

/** A job waiting in its tenant's backlog because the tenant's slots were all taken. */
export interface HeldEntry {
  jobId: string;
  /** The job's `createdAt`: the backlog is ordered by it, oldest first. */
  heldSince: string;
}

/**
 * Per-tenant admission for one queue: a bounded set of slots (jobs admitted into the
 * transport or running) and a FIFO backlog of jobs that found every slot taken. Slots
 * carry an expiry only as a prompt to re-check: a slot is dropped when its job's record
 * is finished or gone, never because time passed (see the runtime's admission).
 */
export interface FairShareStore {
  /**
   * Takes a slot for `jobId` while fewer than `cap` are taken. `true` when the job holds
   * a slot afterwards (also when it already held one); `false` when every slot is taken.
   */
  admit(input: TenantQueue & { jobId: string; cap: number; until: Date }): Promise<boolean>;
  /** Frees the job's slot; `false` when it held none (already released). */
  release(input: TenantQueue & { jobId: string }): Promise<boolean>;
  /** The slots as they stand: job id → expiry. */
  slots(input: TenantQueue): Promise<Map<string, Date>>;
  /** Moves a slot's expiry on, only while it still reads `expect` (a re-check found the job live). */
  extend(input: TenantQueue & { jobId: string; expect: Date; until: Date }): Promise<boolean>;
  /** Frees a slot only while its expiry still reads `expect` (a re-check found the job finished). */
  drop(input: TenantQueue & { jobId: string; expect: Date }): Promise<boolean>;
  /** Puts a job at the back of its tenant's backlog (idempotent). */
  hold(input: TenantQueue & HeldEntry): Promise<void>;
  /** Whether the job waits in the backlog. */
  isHeld(input: TenantQueue & HeldEntry): Promise<boolean>;
  /** The oldest `limit` held jobs. */
  held(input: TenantQueue & { limit: number }): Promise<HeldEntry[]>;
  /** Takes a job out of the backlog; `false` when someone else took it first. */
  unhold(input: TenantQueue & HeldEntry): Promise<boolean>;
}
