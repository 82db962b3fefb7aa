import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type JobRef,
  type JobStore,
  jobRecordSchema,
  type NewJob,
  newId,
  ValidationError,
} from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobKey, sweepShard } from './keys';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let jobs: JobStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  ({ jobs, tableName } = await dynamo.freshStore('job-store'));
});

/** The item as stored, key attributes included. */
async function rawItem(ref: JobRef): Promise<Record<string, unknown> | undefined> {
  const { Item } = await dynamo.documentClient.send(
    new GetCommand({ TableName: tableName, Key: jobKey(ref.tenantId, ref.jobId) }),
  );
  return Item;
}

afterAll(async () => {
  await dynamo.stop();
});

const TENANT = 'tenant-a';
const LEASE = 60_000;

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    tenantId: TENANT,
    jobId: newId('job'),
    queue: 'thumbnail',
    payload: { tenantId: TENANT, documentId: 'doc-1' },
    priority: 'high',
    traceId: 'trace-1',
    maxAttempts: 3,
    targetType: 'document',
    targetId: 'doc-1',
    documentId: 'doc-1',
    now: T0,
    availableAt: T0,
    sweepAt: at(30_000),
    ...overrides,
  };
}

async function created(overrides: Partial<NewJob> = {}) {
  const { job } = await jobs.create(newJob(overrides));
  return job;
}

async function claimed(overrides: Partial<NewJob> = {}) {
  const job = await created(overrides);
  const claim = await jobs.claim({ ...job, now: at(1_000), leaseMs: LEASE });
  if (claim.outcome !== 'claimed') throw new Error(`expected a claim, got ${claim.outcome}`);
  return claim.job;
}

describe('create', () => {
  it('writes a pending record and reads it back without key attributes', async () => {
    const input = newJob({ sessionId: 'session-1', dedupeKey: 'dedupe-1' });
    const result = await jobs.create(input);
    expect(result.created).toBe(true);
    const stored = await jobs.get(input);
    expect(stored).toEqual(result.job);
    expect(stored).toMatchObject({
      status: 'pending',
      progress: 0,
      attempts: 0,
      generation: 0,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      availableAt: T0.toISOString(),
      sessionId: 'session-1',
      dedupeKey: 'dedupe-1',
      payload: { tenantId: TENANT, documentId: 'doc-1' },
    });
    // A strict parse fails on any extra attribute (pk, gsi keys, the entity tag).
    expect(() => jobRecordSchema.strict().parse(stored)).not.toThrow();
  });

  it('is idempotent on jobId: a second create returns the first record', async () => {
    const first = newJob();
    await jobs.create(first);
    const again = await jobs.create({ ...first, payload: { other: true }, now: at(5_000) });
    expect(again.created).toBe(false);
    expect(again.job.payload).toEqual(first.payload);
    expect(again.job.createdAt).toBe(T0.toISOString());
  });

  it('refuses bad input before writing anything', async () => {
    await expect(jobs.create(newJob({ maxAttempts: 0 }))).rejects.toBeInstanceOf(ValidationError);
    await expect(jobs.create(newJob({ availableAt: new Date(Number.NaN) }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(jobs.create(newJob({ queue: 'no-such-queue' as NewJob['queue'] }))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('stored keys', () => {
  it('carries the tenant in every tenant-facing key, and the sweep keys while live', async () => {
    const job = await created({ sessionId: 'session-9', documentId: 'doc-9' });
    const shard = sweepShard(job.jobId);
    expect(await rawItem(job)).toMatchObject({
      pk: `T#${TENANT}#JOB#${job.jobId}`,
      sk: 'JOB',
      gsi1pk: `T#${TENANT}#SESSION#session-9`,
      gsi1sk: `JOB#${T0.toISOString()}#${job.jobId}`,
      gsi2pk: `T#${TENANT}#DOC#doc-9`,
      gsi2sk: `JOB#${T0.toISOString()}#${job.jobId}`,
      gsi3pk: `T#${TENANT}#Q#thumbnail`,
      gsi3sk: `pending#${T0.toISOString()}#${job.jobId}`,
      gsi4pk: `SWEEP#${shard}`,
      gsi4sk: `${at(30_000).toISOString()}#${TENANT}#${job.jobId}`,
    });
    await jobs.claim({ ...job, now: at(1_000), leaseMs: LEASE });
    expect(await rawItem(job)).toMatchObject({
      gsi3sk: `processing#${at(1_000).toISOString()}#${job.jobId}`,
      // A dead holder's job is swept when its lease lapses.
      gsi4sk: `${at(1_000 + LEASE).toISOString()}#${TENANT}#${job.jobId}`,
    });
  });

  it('terminal transitions leave the sparse sweep index; requeue re-enters it', async () => {
    const done = await claimed();
    await jobs.complete({ ...done, attempt: 1, now: at(2_000) });
    const failed = await created();
    await jobs.fail({ ...failed, error: 'x', errorCode: 'x', now: at(2_000) });
    const cancelled = await created();
    await jobs.cancel({ ...cancelled, now: at(2_000) });
    for (const job of [done, failed, cancelled]) {
      const item = await rawItem(job);
      expect(item).toBeDefined();
      expect(item).not.toHaveProperty('gsi4pk');
      expect(item).not.toHaveProperty('gsi4sk');
      expect(item).not.toHaveProperty('leaseUntil');
    }
    await jobs.requeue({ ...failed, now: at(3_000), sweepAt: at(4_000) });
    expect(await rawItem(failed)).toMatchObject({
      gsi3sk: `pending#${at(3_000).toISOString()}#${failed.jobId}`,
      gsi4sk: `${at(4_000).toISOString()}#${TENANT}#${failed.jobId}`,
    });
  });
});

describe('claim', () => {
  it('takes a due pending job: processing, attempt 1, a lease, startedAt', async () => {
    const job = await created();
    const claim = await jobs.claim({ ...job, now: at(1_000), leaseMs: LEASE });
    expect(claim.outcome).toBe('claimed');
    if (claim.outcome !== 'claimed') return;
    expect(claim.job).toMatchObject({
      status: 'processing',
      attempts: 1,
      startedAt: at(1_000).toISOString(),
      updatedAt: at(1_000).toISOString(),
      leaseUntil: at(1_000 + LEASE).toISOString(),
    });
  });

  it('is not-yet for a pending job before its availableAt', async () => {
    const job = await created({ availableAt: at(10_000) });
    const claim = await jobs.claim({ ...job, now: at(9_999), leaseMs: LEASE });
    expect(claim).toMatchObject({ outcome: 'not-yet', availableAt: at(10_000) });
    expect((await jobs.get(job))?.status).toBe('pending');
  });

  it('is leased while another holder has a live lease (a duplicate delivery)', async () => {
    const job = await claimed();
    const claim = await jobs.claim({ ...job, now: at(2_000), leaseMs: LEASE });
    expect(claim).toMatchObject({ outcome: 'leased', leaseUntil: at(1_000 + LEASE) });
    expect((await jobs.get(job))?.attempts).toBe(1);
  });

  it('takes over a processing job whose lease lapsed, as the next attempt', async () => {
    const job = await claimed();
    const takeover = await jobs.claim({ ...job, now: at(1_000 + LEASE + 1), leaseMs: LEASE });
    expect(takeover.outcome).toBe('claimed');
    if (takeover.outcome !== 'claimed') return;
    expect(takeover.job.attempts).toBe(2);
    // startedAt keeps the first start.
    expect(takeover.job.startedAt).toBe(at(1_000).toISOString());
    expect(takeover.job.leaseUntil).toBe(at(1_000 + LEASE + 1 + LEASE).toISOString());
  });

  it('is finished for complete, failed and cancelled jobs', async () => {
    const done = await claimed();
    await jobs.complete({ ...done, attempt: 1, now: at(2_000) });
    const failed = await created();
    await jobs.fail({ ...failed, error: 'bad', errorCode: 'bad_input', now: at(2_000) });
    const cancelled = await created();
    await jobs.cancel({ ...cancelled, now: at(2_000) });
    for (const [job, status] of [
      [done, 'complete'],
      [failed, 'failed'],
      [cancelled, 'cancelled'],
    ] as const) {
      const claim = await jobs.claim({ ...job, now: at(3_000), leaseMs: LEASE });
      expect(claim.outcome).toBe('finished');
      if (claim.outcome === 'finished') expect(claim.job.status).toBe(status);
    }
  });

  it('is missing when there is no record', async () => {
    const claim = await jobs.claim({ tenantId: TENANT, jobId: newId('job'), now: T0, leaseMs: LEASE });
    expect(claim).toEqual({ outcome: 'missing' });
  });

  it('is missing for another tenant’s job, and leaves it untouched', async () => {
    const job = await created();
    const claim = await jobs.claim({
      tenantId: 'tenant-b',
      jobId: job.jobId,
      now: at(1_000),
      leaseMs: LEASE,
    });
    expect(claim).toEqual({ outcome: 'missing' });
    expect((await jobs.get(job))?.status).toBe('pending');
  });
});

describe('fenced writes', () => {
  it('the holder renews its lease and reports progress', async () => {
    const job = await claimed();
    expect(() => jobRecordSchema.strict().parse(job)).not.toThrow();
    expect(await jobs.renewLease({ ...job, attempt: 1, now: at(5_000), leaseMs: LEASE })).toBe(true);
    expect(await jobs.setProgress({ ...job, attempt: 1, progress: 40, now: at(6_000) })).toBe(true);
    const stored = await jobs.get(job);
    expect(stored).toMatchObject({
      progress: 40,
      leaseUntil: at(5_000 + LEASE).toISOString(),
      updatedAt: at(6_000).toISOString(),
    });
  });

  it('a stale holder is refused after a takeover', async () => {
    const job = await claimed();
    const takeover = await jobs.claim({ ...job, now: at(1_000 + LEASE + 1), leaseMs: LEASE });
    expect(takeover.outcome).toBe('claimed');
    const now = at(1_000 + LEASE + 2);
    expect(await jobs.setProgress({ ...job, attempt: 1, progress: 90, now })).toBe(false);
    expect(await jobs.renewLease({ ...job, attempt: 1, now, leaseMs: LEASE })).toBe(false);
    expect(await jobs.complete({ ...job, attempt: 1, now })).toBeUndefined();
    expect(
      await jobs.scheduleRetry({
        ...job,
        attempt: 1,
        error: 'x',
        errorCode: 'x',
        now,
        availableAt: now,
        sweepAt: now,
      }),
    ).toBeUndefined();
    expect(await jobs.fail({ ...job, attempt: 1, error: 'x', errorCode: 'x', now })).toBeUndefined();
    const stored = await jobs.get(job);
    expect(stored).toMatchObject({ status: 'processing', attempts: 2, progress: 0 });
    // The current holder still can.
    expect(await jobs.complete({ ...job, attempt: 2, now })).toMatchObject({ status: 'complete' });
  });

  it('complete: progress 100, result, finishedAt, no lease', async () => {
    const job = await claimed();
    const done = await jobs.complete({ ...job, attempt: 1, result: { pages: 3 }, now: at(4_000) });
    expect(done).toMatchObject({
      status: 'complete',
      progress: 100,
      result: { pages: 3 },
      finishedAt: at(4_000).toISOString(),
      updatedAt: at(4_000).toISOString(),
    });
    expect(done?.leaseUntil).toBeUndefined();
    expect(() => jobRecordSchema.strict().parse(done)).not.toThrow();
    // Nothing leaves complete.
    expect(await jobs.complete({ ...job, attempt: 1, now: at(5_000) })).toBeUndefined();
    expect(await jobs.cancel({ ...job, now: at(5_000) })).toBeUndefined();
    expect(await jobs.requeue({ ...job, now: at(5_000), sweepAt: at(6_000) })).toBeUndefined();
  });

  it('scheduleRetry: back to pending until availableAt, keeping the error', async () => {
    const job = await claimed();
    const retry = await jobs.scheduleRetry({
      ...job,
      attempt: 1,
      error: 'timeout',
      errorCode: 'timeout',
      now: at(2_000),
      availableAt: at(12_000),
      sweepAt: at(42_000),
    });
    expect(retry).toMatchObject({
      status: 'pending',
      attempts: 1,
      availableAt: at(12_000).toISOString(),
      lastError: 'timeout',
      errorCode: 'timeout',
    });
    expect(retry?.leaseUntil).toBeUndefined();
    expect(retry?.progress).toBe(0);
    expect(() => jobRecordSchema.strict().parse(retry)).not.toThrow();
    expect((await jobs.claim({ ...job, now: at(11_999), leaseMs: LEASE })).outcome).toBe('not-yet');
    const second = await jobs.claim({ ...job, now: at(12_000), leaseMs: LEASE });
    expect(second).toMatchObject({ outcome: 'claimed', job: { attempts: 2 } });
  });

  it('fail with an attempt is fenced; without one it fails a pending job', async () => {
    const running = await claimed();
    expect(
      await jobs.fail({ ...running, attempt: 2, error: 'x', errorCode: 'x', now: at(2_000) }),
    ).toBeUndefined();
    const failed = await jobs.fail({
      ...running,
      attempt: 1,
      error: 'bad pdf',
      errorCode: 'bad_file',
      now: at(3_000),
    });
    expect(failed).toMatchObject({
      status: 'failed',
      lastError: 'bad pdf',
      errorCode: 'bad_file',
      finishedAt: at(3_000).toISOString(),
    });
    expect(failed?.leaseUntil).toBeUndefined();

    const undecodable = await created();
    expect(
      await jobs.fail({
        ...undecodable,
        error: 'invalid payload',
        errorCode: 'invalid_payload',
        now: at(1_000),
      }),
    ).toMatchObject({ status: 'failed', attempts: 0 });
    // Already terminal: refused.
    expect(
      await jobs.fail({ ...undecodable, error: 'again', errorCode: 'x', now: at(2_000) }),
    ).toBeUndefined();
  });

  it('an unfenced fail cannot kill a running job (a forged message with its id)', async () => {
    const running = await claimed();
    expect(await jobs.fail({ ...running, error: 'forged', errorCode: 'x', now: at(1_500) })).toBeUndefined();
    expect(await jobs.get(running)).toMatchObject({ status: 'processing', attempts: 1 });
  });

  it('caps a runaway error message', async () => {
    const job = await claimed();
    const failed = await jobs.fail({
      ...job,
      attempt: 1,
      error: 'e'.repeat(100_000),
      errorCode: 'x',
      now: at(2_000),
    });
    expect(failed?.lastError?.length).toBe(4000);
  });

  it('refuses a non-positive or fractional attempt and an out-of-range progress', async () => {
    const job = await claimed();
    await expect(jobs.complete({ ...job, attempt: 0, now: at(2_000) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      jobs.setProgress({ ...job, attempt: 1.5, progress: 1, now: at(2_000) }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      jobs.setProgress({ ...job, attempt: 1, progress: 101, now: at(2_000) }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(jobs.renewLease({ ...job, attempt: 1, leaseMs: 0, now: at(2_000) })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('cancel and requeue', () => {
  it('cancel while processing refuses the holder’s next write', async () => {
    const job = await claimed();
    const cancelled = await jobs.cancel({ ...job, now: at(2_000) });
    expect(cancelled).toMatchObject({ status: 'cancelled', finishedAt: at(2_000).toISOString() });
    expect(cancelled?.leaseUntil).toBeUndefined();
    expect(await jobs.setProgress({ ...job, attempt: 1, progress: 50, now: at(3_000) })).toBe(false);
    expect(await jobs.complete({ ...job, attempt: 1, now: at(3_000) })).toBeUndefined();
    expect((await jobs.get(job))?.status).toBe('cancelled');
  });

  it('cancel refuses a finished job', async () => {
    const job = await created();
    await jobs.cancel({ ...job, now: at(1_000) });
    expect(await jobs.cancel({ ...job, now: at(2_000) })).toBeUndefined();
  });

  it('requeue: a failed job returns pending with a fresh budget and the next generation', async () => {
    const job = await claimed();
    await jobs.complete({ ...job, attempt: 2, now: at(1_500) }); // refused: not the holder
    await jobs.fail({ ...job, attempt: 1, error: 'boom', errorCode: 'boom', now: at(2_000) });
    const requeued = await jobs.requeue({ ...job, now: at(3_000), sweepAt: at(33_000) });
    expect(requeued).toMatchObject({
      status: 'pending',
      attempts: 0,
      generation: 1,
      progress: 0,
      availableAt: at(3_000).toISOString(),
      updatedAt: at(3_000).toISOString(),
    });
    for (const cleared of [
      'lastError',
      'errorCode',
      'result',
      'finishedAt',
      'startedAt',
      'leaseUntil',
    ] as const) {
      expect(requeued?.[cleared]).toBeUndefined();
    }
    const again = await jobs.claim({ ...job, now: at(3_000), leaseMs: LEASE });
    expect(again).toMatchObject({ outcome: 'claimed', job: { attempts: 1, generation: 1 } });
  });

  it('requeue refuses live jobs', async () => {
    const pending = await created();
    expect(await jobs.requeue({ ...pending, now: at(1_000), sweepAt: at(2_000) })).toBeUndefined();
    const running = await claimed();
    expect(await jobs.requeue({ ...running, now: at(2_000), sweepAt: at(3_000) })).toBeUndefined();
  });
});

describe('outbox marker', () => {
  const due = async (now: Date, jobId: string) =>
    (await jobs.listDue(now, 1000)).filter((job) => job.jobId === jobId);

  it('complete and fail with settleDueAt keep the job in the sweep index under the marker until cleared', async () => {
    const done = await claimed();
    const completed = await jobs.complete({ ...done, attempt: 1, now: at(2_000), settleDueAt: at(62_000) });
    expect(completed).toMatchObject({
      status: 'complete',
      settleAt: at(62_000).toISOString(),
      settleTries: 0,
    });
    expect(completed).not.toHaveProperty('leaseUntil');
    expect(await rawItem(done)).toMatchObject({
      gsi4sk: `${at(62_000).toISOString()}#${TENANT}#${done.jobId}`,
    });
    expect(await rawItem(done)).not.toHaveProperty('readyAt');
    expect(await due(at(61_000), done.jobId)).toEqual([]);
    expect(await due(at(63_000), done.jobId)).toMatchObject([{ status: 'complete' }]);
    // A finished job with a marker is never claimable.
    expect((await jobs.claim({ ...done, now: at(63_000), leaseMs: LEASE })).outcome).toBe('finished');

    expect(await jobs.clearSettle({ ...done, generation: 0 })).toBe(true);
    expect(await jobs.clearSettle({ ...done, generation: 0 })).toBe(false);
    const item = await rawItem(done);
    for (const attr of ['settleAt', 'settleTries', 'gsi4pk', 'gsi4sk']) expect(item).not.toHaveProperty(attr);
    expect(await due(at(63_000), done.jobId)).toEqual([]);

    const pending = await created();
    expect(
      await jobs.fail({
        ...pending,
        error: 'bad body',
        errorCode: 'invalid_message',
        now: at(2_000),
        settleDueAt: at(5_000),
      }),
    ).toMatchObject({ status: 'failed', settleAt: at(5_000).toISOString() });
  });

  it('takeSettle moves a due marker on once; a second taker with the old value is refused', async () => {
    const done = await claimed();
    const completed = await jobs.complete({ ...done, attempt: 1, now: at(2_000), settleDueAt: at(3_000) });
    const expectSettleAt = completed?.settleAt ?? '';
    const taken = await jobs.takeSettle({ ...done, expectSettleAt, next: at(90_000) });
    expect(taken).toMatchObject({
      settleAt: at(90_000).toISOString(),
      settleTries: 1,
      updatedAt: completed?.updatedAt,
    });
    expect(await jobs.takeSettle({ ...done, expectSettleAt, next: at(95_000) })).toBeUndefined();
    expect(await due(at(10_000), done.jobId)).toEqual([]);
    expect(await due(at(91_000), done.jobId)).toHaveLength(1);
  });

  it('clearSettle is fenced by generation, and requeue drops an unrun marker', async () => {
    const job = await claimed();
    await jobs.fail({
      ...job,
      attempt: 1,
      error: 'x',
      errorCode: 'x',
      now: at(2_000),
      settleDueAt: at(3_000),
    });
    const requeued = await jobs.requeue({ ...job, now: at(4_000), sweepAt: at(5_000) });
    expect(requeued?.settleAt).toBeUndefined();
    const again = await jobs.claim({ ...job, now: at(6_000), leaseMs: LEASE });
    expect(again.outcome).toBe('claimed');
    await jobs.fail({
      ...job,
      attempt: 1,
      error: 'y',
      errorCode: 'y',
      now: at(7_000),
      settleDueAt: at(8_000),
    });
    // A late run of generation 0's hook cannot clear generation 1's marker.
    expect(await jobs.clearSettle({ ...job, generation: 0 })).toBe(false);
    expect(await jobs.clearSettle({ ...job, generation: 1 })).toBe(true);
  });

  it('the sweeper fails a lapsed holder only while its lease is still over', async () => {
    const job = await claimed();
    // The holder outlived an outage and renewed: a fail conditioned on the lapse is refused.
    await jobs.renewLease({ ...job, attempt: 1, now: at(LEASE + 5_000), leaseMs: LEASE });
    const refused = await jobs.fail({
      ...job,
      attempt: 1,
      error: 'lost',
      errorCode: 'consumer_lost',
      now: at(LEASE + 6_000),
      lapsedBefore: at(LEASE + 6_000),
    });
    expect(refused).toBeUndefined();
    const lapsed = at(2 * LEASE + 10_000);
    expect(
      await jobs.fail({
        ...job,
        attempt: 1,
        error: 'lost',
        errorCode: 'consumer_lost',
        now: lapsed,
        lapsedBefore: lapsed,
      }),
    ).toMatchObject({ status: 'failed' });
  });
});

describe('hostile list arguments', () => {
  it('refuses an unknown queue or status', async () => {
    await expect(jobs.listByStatus(TENANT, 'nope' as 'thumbnail', 'failed')).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(jobs.listByStatus(TENANT, 'thumbnail', 'failed#' as 'failed')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('hostile ids', () => {
  const hostile = ['', 'x'.repeat(1024), 'a#b', 'has space', 'T#tenant-b#JOB#x', ' lead'];

  it.each(hostile)('refuses %j as a tenant or job id on every method', async (bad) => {
    const good = { tenantId: TENANT, jobId: 'job-1' };
    const now = T0;
    const calls: Array<(ref: { tenantId: string; jobId: string }) => Promise<unknown>> = [
      (ref) => jobs.get(ref),
      (ref) => jobs.claim({ ...ref, now, leaseMs: LEASE }),
      (ref) => jobs.renewLease({ ...ref, attempt: 1, now, leaseMs: LEASE }),
      (ref) => jobs.setProgress({ ...ref, attempt: 1, progress: 1, now }),
      (ref) => jobs.complete({ ...ref, attempt: 1, now }),
      (ref) => jobs.fail({ ...ref, error: 'x', errorCode: 'x', now }),
      (ref) => jobs.cancel({ ...ref, now }),
      (ref) => jobs.requeue({ ...ref, now, sweepAt: now }),
      (ref) => jobs.deferSweep({ ...ref, expectUpdatedAt: now.toISOString(), sweepAt: now }),
      (ref) => jobs.create(newJob(ref)),
      (ref) => jobs.getMany(ref.tenantId, [ref.jobId]),
    ];
    for (const call of calls) {
      await expect(call({ ...good, jobId: bad })).rejects.toBeInstanceOf(ValidationError);
      await expect(call({ ...good, tenantId: bad })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(jobs.listBySession(TENANT, bad)).rejects.toBeInstanceOf(ValidationError);
    await expect(
      jobs.deferSweep({ tenantId: TENANT, jobId: 'job-1', expectUpdatedAt: bad, sweepAt: now }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(jobs.listByDocument(bad, 'doc-1')).rejects.toBeInstanceOf(ValidationError);
    await expect(jobs.create(newJob({ documentId: bad }))).rejects.toBeInstanceOf(ValidationError);
  });
});
