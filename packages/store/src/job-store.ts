import {
  type ClaimResult,
  ConflictError,
  type CreateJobResult,
  idSchema,
  isTerminal,
  type JobRecord,
  type JobRef,
  type JobStatus,
  type JobStore,
  type NewJob,
  prioritySchema,
  queueNameSchema,
  ValidationError,
} from '@paperlane/core';
import { $add, $remove, GetItemCommand, UpdateItemCommand, type UpdateItemInput } from 'dynamodb-toolbox';
import { z } from 'zod';
import { conditional } from './conditional';
import {
  hasStatus,
  heldBy,
  type JobCondition,
  LIVE_STATUSES,
  leaseEndedBefore,
  RETRYABLE_STATUSES,
  settleMarkerIs,
  settleMarkerOf,
  statusIn,
  unchangedSince,
} from './conditions';
import { createJobEntity, type JobEntity, newJobIndexKeys, toJobRecord } from './job-entity';
import { createJobLifecycleWrites } from './job-lifecycle-writes';
import { createJobQueries } from './job-queries';
import { byStatusSk, sweepKeys } from './keys';
import type { PaperlaneTable } from './table';
import { parseId, parseInput, toIso } from './validate';

const newJobSchema = z.object({
  tenantId: idSchema,
  jobId: idSchema,
  queue: queueNameSchema,
  payload: z.record(z.string(), z.unknown()),
  priority: prioritySchema,
  traceId: z.string(),
  maxAttempts: z.number().int().min(1),
  dedupeKey: z.string().optional(),
  documentId: idSchema.optional(),
  sessionId: idSchema.optional(),
  targetType: z.string(),
  targetId: z.string(),
  now: z.date(),
  availableAt: z.date(),
  sweepAt: z.date(),
});

/** The attempt number a claim holder fences its writes with. */
const attemptSchema = z.number().int().min(1);

/** Changes a transition may make; status, updatedAt and the status index key are added by `transition`. */
type JobChanges = Omit<UpdateItemInput<JobEntity>, 'tenantId' | 'jobId' | 'status' | 'updatedAt' | 'gsi3sk'>;

/** What a terminal transition without effects to follow clears: the lease, and the sweep keys (the index is sparse). */
const LEAVE_SWEEP_INDEX = {
  leaseUntil: $remove(),
  readyAt: $remove(),
  gsi4pk: $remove(),
  gsi4sk: $remove(),
} as const;

/** Error text is capped so a runaway message cannot push the item towards DynamoDB's 400 KB limit. */
const MAX_ERROR_LENGTH = 4000;

/**
 * What a terminal transition does to the sweep index: leaves it (no effects to follow),
 * or stays in it under the outbox marker's time, so the sweeper finds the job if the
 * effects never ran.
 */
function finalSweepKeys(key: JobRef, settleAt: Date | undefined) {
  if (!settleAt) return LEAVE_SWEEP_INDEX;
  const at = toIso(settleAt, 'settleAt');
  return {
    leaseUntil: $remove(),
    readyAt: $remove(),
    settleAt: at,
    settleTries: 0,
    ...sweepKeys(at, key.tenantId, key.jobId),
  };
}

function boundedError(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function leaseEnd(now: Date, leaseMs: number): string {
  if (!Number.isInteger(leaseMs) || leaseMs < 1) {
    throw new ValidationError('leaseMs must be a positive integer');
  }
  return toIso(new Date(now.getTime() + leaseMs), 'now');
}

/**
 * Without an attempt: only a job nobody holds (an undecodable message for it); a forged
 * message carrying a running job's id must not be able to fail it. With `lapsedBefore`:
 * the holder's lease must still be over, so a holder that outlived a store outage wins.
 */
function failCondition(attempt: number | undefined, lapsedBefore: Date | undefined): JobCondition {
  if (attempt === undefined) return hasStatus('pending');
  const attemptNumber = attemptSchema.safeParse(attempt);
  if (!attemptNumber.success) throw new ValidationError('attempt must be a positive integer');
  const held = heldBy(attemptNumber.data);
  if (!lapsedBefore) return held;
  return { and: [held, leaseEndedBefore(toIso(lapsedBefore, 'lapsedBefore'))] };
}

/** Claims that raced a concurrent writer (condition failed, yet the job looks claimable) are retried this often. */
const CLAIM_TRIES = 3;

/**
 * The DynamoDB `JobStore`. Every state change is one conditional write; a refused
 * condition becomes the port's `undefined` / `false` / claim outcome, never an
 * exception. Ids are validated before they are spelled into keys.
 *
 * @example
 * const jobs = createJobStore(createTable(documentClient, 'paperlane'));
 * const claim = await jobs.claim({ tenantId, jobId, now: new Date(), leaseMs: 60_000 });
 */
export function createJobStore(table: PaperlaneTable): JobStore {
  const Job = createJobEntity(table);
  const writes = createJobLifecycleWrites(Job);

  function ref(input: JobRef): JobRef {
    return { tenantId: parseId(input.tenantId, 'tenantId'), jobId: parseId(input.jobId, 'jobId') };
  }

  function attemptOf(attempt: unknown): number {
    const result = attemptSchema.safeParse(attempt);
    if (!result.success) throw new ValidationError('attempt must be a positive integer');
    return result.data;
  }

  async function read(key: JobRef): Promise<JobRecord | undefined> {
    const { Item } = await Job.build(GetItemCommand).key(key).options({ consistent: true }).send();
    // Keys carry the tenant, so this holds by construction; checked anyway as a last line.
    return Item && Item.tenantId === key.tenantId ? toJobRecord(Item) : undefined;
  }

  /** One conditional UpdateItem that lands in `status`; `undefined` when the condition refused it. */
  async function transition(
    key: JobRef,
    status: JobStatus,
    nowIso: string,
    changes: JobChanges,
    condition: JobCondition,
  ): Promise<JobRecord | undefined> {
    const outcome = await conditional(Job, () =>
      Job.build(UpdateItemCommand)
        .item({
          ...changes,
          ...key,
          status,
          updatedAt: nowIso,
          gsi3sk: byStatusSk(status, nowIso, key.jobId),
        })
        .options({ condition, returnValues: 'ALL_NEW' })
        .send(),
    );
    if (!outcome.ok || !outcome.value.Attributes) return undefined;
    return toJobRecord(outcome.value.Attributes);
  }

  /** Classifies a refused claim from the job as it was; `undefined` means it looked claimable (a race). */
  function refusedClaim(job: JobRecord, nowIso: string): ClaimResult | undefined {
    if (isTerminal(job.status)) return { outcome: 'finished', job };
    if (job.status === 'pending' && job.availableAt > nowIso) {
      return { outcome: 'not-yet', job, availableAt: new Date(job.availableAt) };
    }
    if (job.status === 'processing' && job.leaseUntil !== undefined && job.leaseUntil >= nowIso) {
      return { outcome: 'leased', job, leaseUntil: new Date(job.leaseUntil) };
    }
    return undefined;
  }

  return {
    async create(input: NewJob): Promise<CreateJobResult> {
      const job = parseInput(newJobSchema, input, 'job');
      const nowIso = toIso(job.now, 'now');
      const record: JobRecord = {
        tenantId: job.tenantId,
        jobId: job.jobId,
        queue: job.queue,
        targetType: job.targetType,
        targetId: job.targetId,
        ...(job.documentId !== undefined ? { documentId: job.documentId } : {}),
        ...(job.sessionId !== undefined ? { sessionId: job.sessionId } : {}),
        status: 'pending',
        progress: 0,
        attempts: 0,
        maxAttempts: job.maxAttempts,
        priority: job.priority,
        payload: job.payload,
        traceId: job.traceId,
        ...(job.dedupeKey !== undefined ? { dedupeKey: job.dedupeKey } : {}),
        generation: 0,
        createdAt: nowIso,
        updatedAt: nowIso,
        availableAt: toIso(job.availableAt, 'availableAt'),
      };
      const outcome = await writes.create({
        ...record,
        ...newJobIndexKeys(record, toIso(job.sweepAt, 'sweepAt')),
      });
      if (outcome.ok) return { created: true, job: record };
      // Emulators (dynalite) omit ALL_OLD on a failed condition: read the winner instead.
      const existing = outcome.old ? toJobRecord(outcome.old) : await read(record);
      if (!existing) throw new ConflictError(`job ${record.jobId} vanished during create`);
      return { created: false, job: existing };
    },

    async get(input) {
      return read(ref(input));
    },

    async claim(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      const leaseUntil = leaseEnd(input.now, input.leaseMs);
      for (let attempt = 1; attempt <= CLAIM_TRIES; attempt++) {
        // The lease end is also the sweep time: if the holder dies, the sweeper looks at the job then.
        const outcome = await writes.claim({ ...key, nowIso, leaseUntil });
        if (outcome.ok) {
          if (!outcome.value) throw new Error('UpdateItem returned no attributes');
          return { outcome: 'claimed', job: outcome.value };
        }
        // No ALL_OLD means no item, or an emulator that does not send it: one consistent read tells.
        const current = outcome.old ? toJobRecord(outcome.old) : await read(key);
        if (!current) return { outcome: 'missing' };
        const refused = refusedClaim(current, nowIso);
        if (refused) return refused;
      }
      throw new ConflictError(`claim of job ${key.jobId} kept racing concurrent writers`);
    },

    async renewLease(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      const leaseUntil = leaseEnd(input.now, input.leaseMs);
      const job = await transition(
        key,
        'processing',
        nowIso,
        { leaseUntil, readyAt: leaseUntil, ...sweepKeys(leaseUntil, key.tenantId, key.jobId) },
        heldBy(attemptOf(input.attempt)),
      );
      return job !== undefined;
    },

    async setProgress(input) {
      const key = ref(input);
      if (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100) {
        throw new ValidationError('progress must be an integer from 0 to 100');
      }
      const nowIso = toIso(input.now, 'now');
      const job = await transition(
        key,
        'processing',
        nowIso,
        { progress: input.progress },
        heldBy(attemptOf(input.attempt)),
      );
      return job !== undefined;
    },

    async complete(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      return writes.complete({
        ...key,
        attempt: attemptOf(input.attempt),
        nowIso,
        ...(input.result !== undefined ? { result: input.result } : {}),
        ...(input.settleDueAt ? { settleAt: toIso(input.settleDueAt, 'settleAt') } : {}),
      });
    },

    async fail(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      return transition(
        key,
        'failed',
        nowIso,
        {
          lastError: boundedError(input.error),
          errorCode: input.errorCode,
          finishedAt: nowIso,
          ...finalSweepKeys(key, input.settleDueAt),
        },
        failCondition(input.attempt, input.lapsedBefore),
      );
    },

    async takeSettle(input) {
      const key = ref(input);
      const expect = parseInput(z.iso.datetime(), input.expectSettleAt, 'expectSettleAt');
      const next = toIso(input.next, 'next');
      // Bookkeeping like deferSweep: updatedAt stays, the job did not change.
      const outcome = await conditional(Job, () =>
        Job.build(UpdateItemCommand)
          .item({ ...key, settleAt: next, settleTries: $add(1), ...sweepKeys(next, key.tenantId, key.jobId) })
          .options({ condition: settleMarkerIs(expect), returnValues: 'ALL_NEW' })
          .send(),
      );
      return outcome.ok && outcome.value.Attributes ? toJobRecord(outcome.value.Attributes) : undefined;
    },

    async clearSettle(input) {
      const key = ref(input);
      if (!Number.isInteger(input.generation) || input.generation < 0) {
        throw new ValidationError('generation must be a non-negative integer');
      }
      const outcome = await conditional(Job, () =>
        Job.build(UpdateItemCommand)
          .item({
            ...key,
            settleAt: $remove(),
            settleTries: $remove(),
            gsi4pk: $remove(),
            gsi4sk: $remove(),
          })
          .options({ condition: settleMarkerOf(input.generation) })
          .send(),
      );
      return outcome.ok;
    },

    async scheduleRetry(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      return transition(
        key,
        'pending',
        nowIso,
        {
          availableAt: toIso(input.availableAt, 'availableAt'),
          readyAt: toIso(input.availableAt, 'availableAt'),
          lastError: boundedError(input.error),
          errorCode: input.errorCode,
          // The next attempt starts the work over.
          progress: 0,
          leaseUntil: $remove(),
          ...sweepKeys(toIso(input.sweepAt, 'sweepAt'), key.tenantId, key.jobId),
        },
        heldBy(attemptOf(input.attempt)),
      );
    },

    async cancel(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      return transition(
        key,
        'cancelled',
        nowIso,
        { finishedAt: nowIso, ...finalSweepKeys(key, input.settleDueAt) },
        statusIn(LIVE_STATUSES),
      );
    },

    async requeue(input) {
      const key = ref(input);
      const nowIso = toIso(input.now, 'now');
      // A fresh run: new attempt budget and generation, and nothing left from the last run.
      return transition(
        key,
        'pending',
        nowIso,
        {
          attempts: 0,
          generation: $add(1),
          progress: 0,
          availableAt: nowIso,
          readyAt: nowIso,
          lastError: $remove(),
          errorCode: $remove(),
          result: $remove(),
          startedAt: $remove(),
          finishedAt: $remove(),
          leaseUntil: $remove(),
          // The new run's outcome supersedes the old one's effects if they never ran.
          settleAt: $remove(),
          settleTries: $remove(),
          ...sweepKeys(toIso(input.sweepAt, 'sweepAt'), key.tenantId, key.jobId),
        },
        statusIn(RETRYABLE_STATUSES),
      );
    },

    async deferSweep(input) {
      const key = ref(input);
      const expectUpdatedAt = parseInput(z.iso.datetime(), input.expectUpdatedAt, 'expectUpdatedAt');
      // Leaves updatedAt alone: moving the sweep time is bookkeeping, not a change to the job,
      // and a consumer's write (which does bump updatedAt) must still win.
      const outcome = await conditional(Job, () =>
        Job.build(UpdateItemCommand)
          .item({ ...key, ...sweepKeys(toIso(input.sweepAt, 'sweepAt'), key.tenantId, key.jobId) })
          .options({ condition: unchangedSince(expectUpdatedAt) })
          .send(),
      );
      return outcome.ok;
    },

    ...createJobQueries(table, Job),
  };
}
