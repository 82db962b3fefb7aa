import {
  type Clock,
  type FairShareStore,
  type HeldEntry,
  isTerminal,
  type JobRecord,
  type JobStore,
  type Logger,
  type QueueName,
  type TenantQueue,
} from '@paperlane/core';

/**
 * How many jobs of one tenant may be admitted to one queue at once (sent to the
 * transport and not yet finished); `undefined` means no cap.
 */
export type FairShareCaps = (tenantId: string, queue: QueueName) => number | undefined;

export interface AdmissionDeps {
  store: FairShareStore;
  jobs: Pick<JobStore, 'get'>;
  caps: FairShareCaps;
  clock: Clock;
  logger: Logger;
  /**
   * How long a slot stands before a tenant whose slots are all taken looks at the slot's
   * job again (default 60 s). Only a prompt: a slot is freed when its job's record is
   * finished or gone, so a long job keeps its slot however long it runs.
   */
  recheckMs?: number;
}

/** A job as admission sees it: whose, which queue, and when it was created (its backlog order). */
export type AdmissionJob = TenantQueue & { jobId: string; createdAt: string };

const DEFAULT_RECHECK_MS = 60_000;
/** Backlog entries read per round, and rounds per release. */
const BATCH = 25;
const MAX_ROUNDS = 8;

/**
 * Per-tenant admission to a queue: a job runs only while it holds one of its tenant's
 * `cap` slots; the others wait in the tenant's backlog, outside the transport, so
 * another tenant's job is never queued behind them. Slots leaked by a consumer that
 * died are found when the tenant next runs out of them: each slot past its re-check
 * time is freed if its job's record is finished or gone.
 *
 * @example
 * const admission = createAdmission({ store: store.fairShare, jobs: store.jobs, caps: () => 4, clock, logger });
 * if (!(await admission.admit(job))) await admission.hold(job);
 */
export function createAdmission(deps: AdmissionDeps) {
  const recheckMs = deps.recheckMs ?? DEFAULT_RECHECK_MS;
  const until = () => new Date(deps.clock.now().getTime() + recheckMs);
  const scope = (job: TenantQueue): TenantQueue => ({ tenantId: job.tenantId, queue: job.queue });

  /** Frees the slots whose jobs are finished or gone; returns how many. */
  async function repair(tq: TenantQueue): Promise<number> {
    const now = deps.clock.now();
    let freed = 0;
    for (const [jobId, expiry] of await deps.store.slots(tq)) {
      if (expiry > now) continue;
      const job = await deps.jobs.get({ tenantId: tq.tenantId, jobId });
      if (!job || isTerminal(job.status)) {
        if (await deps.store.drop({ ...tq, jobId, expect: expiry })) freed++;
      } else {
        await deps.store.extend({ ...tq, jobId, expect: expiry, until: until() });
      }
    }
    if (freed > 0) deps.logger.info('fair share: freed slots of finished jobs', { ...tq, freed });
    return freed;
  }

  async function admit(job: TenantQueue & { jobId: string }): Promise<boolean> {
    const cap = deps.caps(job.tenantId, job.queue);
    if (cap === undefined) return true;
    const input = { ...scope(job), jobId: job.jobId, cap, until: until() };
    if (await deps.store.admit(input)) return true;
    if ((await repair(scope(job))) === 0) return false;
    return deps.store.admit({ ...input, until: until() });
  }

  return {
    admit,

    /** Puts the job at the back of its tenant's backlog. */
    hold: (job: AdmissionJob) =>
      deps.store.hold({ ...scope(job), jobId: job.jobId, heldSince: job.createdAt }),

    isHeld: (job: AdmissionJob) =>
      deps.store.isHeld({ ...scope(job), jobId: job.jobId, heldSince: job.createdAt }),

    /** Frees the job's slot (idempotent; also frees a slot taken before the cap was lifted). */
    release: async (job: TenantQueue & { jobId: string }): Promise<void> => {
      await deps.store.release({ ...scope(job), jobId: job.jobId });
    },

    /**
     * Admits the tenant's oldest held jobs while slots are free and returns their
     * records, to be sent. A job is taken out of the backlog before its slot is taken:
     * a process that dies in between leaves a pending record without a message, which
     * the sweeper re-sends and the claim admits (or holds) again.
     */
    async admitHeld(tq: TenantQueue): Promise<JobRecord[]> {
      const admitted: JobRecord[] = [];
      // Each round takes entries out of the backlog (or stops at a full tenant), so it ends;
      // the bound keeps one release from draining a backlog of cancelled jobs in one go.
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const entries: HeldEntry[] = await deps.store.held({ ...scope(tq), limit: BATCH });
        if (entries.length === 0) break;
        for (const entry of entries) {
          if (!(await deps.store.unhold({ ...scope(tq), ...entry }))) continue; // another pump took it
          if (!(await admit({ ...scope(tq), jobId: entry.jobId }))) {
            await deps.store.hold({ ...scope(tq), ...entry });
            return admitted;
          }
          const job = await deps.jobs.get({ tenantId: tq.tenantId, jobId: entry.jobId });
          if (job?.status === 'pending') admitted.push(job);
          else await deps.store.release({ ...scope(tq), jobId: entry.jobId }); // cancelled while it waited
        }
      }
      return admitted;
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
