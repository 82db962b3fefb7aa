import {
  type JobRecord,
  type JobStore,
  jobRecordSchema,
  type NewJob,
  newId,
  ValidationError,
} from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let jobs: JobStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  ({ jobs } = await dynamo.freshStore('job-queries'));
});

afterAll(async () => {
  await dynamo.stop();
});

const LEASE = 60_000;

function newJob(tenantId: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    tenantId,
    jobId: newId('job'),
    queue: 'thumbnail',
    payload: { tenantId },
    priority: 'low',
    traceId: 'trace',
    maxAttempts: 3,
    targetType: 'document',
    targetId: 'doc',
    now: T0,
    availableAt: T0,
    sweepAt: at(30_000),
    ...overrides,
  };
}

/** Creates `count` jobs one millisecond apart, so creation order is sort-key order. */
async function createMany(count: number, make: (n: number) => NewJob): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  for (let n = 0; n < count; n++) {
    const { job } = await jobs.create({ ...make(n), now: at(n) });
    out.push(job);
  }
  return out;
}

async function drain(list: (cursor?: string) => Promise<{ items: JobRecord[]; cursor?: string }>) {
  const pages: JobRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 50);
  return pages;
}

describe('getMany', () => {
  it('returns the tenant’s jobs in the asked order, skipping missing and duplicate ids', async () => {
    const mine = await createMany(3, () => newJob('tenant-gm'));
    const theirs = await createMany(1, () => newJob('tenant-gm-other'));
    const ids = [mine[2]!.jobId, 'job-missing', mine[0]!.jobId, theirs[0]!.jobId, mine[2]!.jobId];
    const found = await jobs.getMany('tenant-gm', ids);
    expect(found.map((job) => job.jobId)).toEqual([mine[2]!.jobId, mine[0]!.jobId]);
    expect(await jobs.getMany('tenant-gm', [])).toEqual([]);
  });

  it('reads more than one batch of 100', async () => {
    const many = await createMany(130, () => newJob('tenant-gm-big'));
    const found = await jobs.getMany(
      'tenant-gm-big',
      many.map((job) => job.jobId),
    );
    expect(found.map((job) => job.jobId)).toEqual(many.map((job) => job.jobId));
  });
});

describe('lists', () => {
  it('listBySession pages through a session’s jobs, oldest first, never its documents', async () => {
    const made = await createMany(7, () => newJob('tenant-ls', { sessionId: 'session-1' }));
    await createMany(2, () => newJob('tenant-ls', { sessionId: 'session-2' }));
    const pages = await drain((cursor) =>
      jobs.listBySession('tenant-ls', 'session-1', { limit: 3, ...(cursor ? { cursor } : {}) }),
    );
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((job) => job.jobId)).toEqual(made.map((job) => job.jobId));
    // Index items map to plain records: no key attributes, no entity tag.
    for (const job of pages.flat()) expect(() => jobRecordSchema.strict().parse(job)).not.toThrow();
  });

  it('the last page carries no cursor when the partition ends exactly at the limit', async () => {
    await createMany(4, () => newJob('tenant-exact', { sessionId: 'session-x' }));
    const pages = await drain((cursor) =>
      jobs.listBySession('tenant-exact', 'session-x', { limit: 2, ...(cursor ? { cursor } : {}) }),
    );
    expect(pages.map((page) => page.length)).toEqual([2, 2]);
  });

  it('listByDocument lists the jobs of one document', async () => {
    const made = await createMany(3, () => newJob('tenant-ld', { documentId: 'doc-7' }));
    await createMany(1, () => newJob('tenant-ld', { documentId: 'doc-8' }));
    const page = await jobs.listByDocument('tenant-ld', 'doc-7');
    expect(page.items.map((job) => job.jobId)).toEqual(made.map((job) => job.jobId));
    expect(page.cursor).toBeUndefined();
  });

  it('listByStatus follows transitions: failed jobs of one queue, per tenant', async () => {
    const [a, b, c] = await createMany(3, () => newJob('tenant-st'));
    const other = await createMany(1, () => newJob('tenant-st', { queue: 'llm-summary' }));
    for (const job of [a!, b!, other[0]!]) {
      await jobs.fail({ ...job, error: 'x', errorCode: 'x', now: at(10_000) });
    }
    const failed = await jobs.listByStatus('tenant-st', 'thumbnail', 'failed');
    expect(failed.items.map((job) => job.jobId).sort()).toEqual([a!.jobId, b!.jobId].sort());
    const pending = await jobs.listByStatus('tenant-st', 'thumbnail', 'pending');
    expect(pending.items.map((job) => job.jobId)).toEqual([c!.jobId]);
    // Requeue moves it back.
    await jobs.requeue({ ...a!, now: at(20_000), sweepAt: at(50_000) });
    const afterRequeue = await jobs.listByStatus('tenant-st', 'thumbnail', 'pending');
    expect(afterRequeue.items.map((job) => job.jobId)).toEqual([c!.jobId, a!.jobId]);
  });

  it('lists are per tenant', async () => {
    await createMany(2, () => newJob('tenant-iso-a', { sessionId: 'shared', documentId: 'shared' }));
    expect((await jobs.listBySession('tenant-iso-b', 'shared')).items).toEqual([]);
    expect((await jobs.listByDocument('tenant-iso-b', 'shared')).items).toEqual([]);
    expect((await jobs.listByStatus('tenant-iso-b', 'thumbnail', 'pending')).items).toEqual([]);
    expect((await jobs.listBySession('tenant-iso-a', 'shared')).items).toHaveLength(2);
  });

  it('limit defaults to 50, is capped at 200, and must be a positive integer', async () => {
    await createMany(205, () => newJob('tenant-limit', { sessionId: 'big' }));
    expect((await jobs.listBySession('tenant-limit', 'big')).items).toHaveLength(50);
    expect((await jobs.listBySession('tenant-limit', 'big', { limit: 1000 })).items).toHaveLength(200);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(jobs.listBySession('tenant-limit', 'big', { limit })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });
});

describe('cursors', () => {
  let cursor: string;

  beforeAll(async () => {
    await createMany(3, () => newJob('tenant-cur', { sessionId: 's1', documentId: 'd1' }));
    const page = await jobs.listBySession('tenant-cur', 's1', { limit: 1 });
    cursor = page.cursor!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  async function rejection(promise: Promise<unknown>) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_cursor');
  }

  function forge(mutate: (payload: { v: number; i: string; k: Record<string, string> }) => unknown): string {
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Buffer.from(JSON.stringify(mutate(payload)), 'utf8').toString('base64url');
  }

  it('resumes the same query', async () => {
    const next = await jobs.listBySession('tenant-cur', 's1', { limit: 5, cursor });
    expect(next.items).toHaveLength(2);
  });

  it('refuses garbage', async () => {
    for (const bad of [
      '',
      'not a cursor!',
      'AAAA',
      Buffer.from('{"v":2}').toString('base64url'),
      'x'.repeat(5000),
    ]) {
      await rejection(jobs.listBySession('tenant-cur', 's1', { cursor: bad }));
    }
  });

  it('refuses another tenant’s use of a cursor, and another partition', async () => {
    await rejection(jobs.listBySession('tenant-other', 's1', { cursor }));
    await rejection(jobs.listBySession('tenant-cur', 's2', { cursor }));
  });

  it('refuses a cursor from another index', async () => {
    await rejection(jobs.listByDocument('tenant-cur', 'd1', { cursor }));
    await rejection(jobs.listByStatus('tenant-cur', 'thumbnail', 'pending', { cursor }));
  });

  it('refuses forged keys: foreign base key, extra attributes, range escape', async () => {
    await rejection(
      jobs.listBySession('tenant-cur', 's1', {
        cursor: forge((p) => ({ ...p, k: { ...p.k, pk: 'T#tenant-other#JOB#job-1' } })),
      }),
    );
    await rejection(
      jobs.listBySession('tenant-cur', 's1', { cursor: forge((p) => ({ ...p, k: { ...p.k, extra: 'x' } })) }),
    );
    await rejection(
      jobs.listBySession('tenant-cur', 's1', {
        cursor: forge((p) => ({ ...p, k: { ...p.k, gsi1sk: 'DOC#x' } })),
      }),
    );
    await rejection(jobs.listBySession('tenant-cur', 's1', { cursor: forge((p) => ({ ...p, i: 'gsi2' })) }));
  });
});

describe('the sweep index', () => {
  let sweepJobs: JobStore;

  beforeAll(async () => {
    // Its own table: listDue reads across tenants, so other tests' jobs would show up.
    ({ jobs: sweepJobs } = await dynamo.freshStore('sweep'));
  });

  it('listDue returns exactly the due live jobs, across tenants, oldest first, never terminal ones', async () => {
    const make = (tenantId: string, sweepMs: number) =>
      sweepJobs.create(newJob(tenantId, { sweepAt: at(sweepMs) })).then((r) => r.job);
    const dueA = await make('tenant-a', 1_000);
    const dueB = await make('tenant-b', 2_000);
    const dueC = await make('tenant-c', 3_000);
    const notYet = await make('tenant-a', 20_000);
    const completed = await make('tenant-b', 500);
    const cancelled = await make('tenant-c', 500);
    const leased = await make('tenant-a', 500);

    const claim = await sweepJobs.claim({ ...completed, now: at(100), leaseMs: LEASE });
    expect(claim.outcome).toBe('claimed');
    await sweepJobs.complete({ ...completed, attempt: 1, now: at(200) });
    await sweepJobs.cancel({ ...cancelled, now: at(200) });
    // Claimed: its sweep time becomes its lease expiry (10 s from now).
    await sweepJobs.claim({ ...leased, now: at(0), leaseMs: 10_000 });

    const due = await sweepJobs.listDue(at(5_000), 100);
    expect(due.map((job) => job.jobId)).toEqual([dueA.jobId, dueB.jobId, dueC.jobId]);
    expect(due.map((job) => job.tenantId)).toEqual(['tenant-a', 'tenant-b', 'tenant-c']);
    for (const job of due) expect(() => jobRecordSchema.strict().parse(job)).not.toThrow();
    expect(await sweepJobs.listDue(at(5_000), 2)).toHaveLength(2);

    // After the lease lapses the dead holder's job is due too, and at 20 s the delayed one.
    const later = await sweepJobs.listDue(at(20_001), 100);
    expect(later.map((job) => job.jobId)).toEqual([
      dueA.jobId,
      dueB.jobId,
      dueC.jobId,
      leased.jobId,
      notYet.jobId,
    ]);
  });

  it('deferSweep moves the sweep time only while nobody changed the record', async () => {
    const { job } = await sweepJobs.create(newJob('tenant-d', { sweepAt: at(1_000), now: at(0) }));
    const dueIds = async (ms: number) => (await sweepJobs.listDue(at(ms), 100)).map((j) => j.jobId);
    expect(await dueIds(1_500)).toContain(job.jobId);

    expect(
      await sweepJobs.deferSweep({
        ...job,
        expectUpdatedAt: job.updatedAt,
        sweepAt: at(60_000),
      }),
    ).toBe(true);
    expect(await dueIds(1_500)).not.toContain(job.jobId);
    const stored = await sweepJobs.get(job);
    // Bookkeeping only: the record's updatedAt is unchanged.
    expect(stored?.updatedAt).toBe(job.updatedAt);

    // A consumer claims it: a defer based on the old snapshot is refused.
    await sweepJobs.claim({ ...job, now: at(2_000), leaseMs: LEASE });
    expect(
      await sweepJobs.deferSweep({
        ...job,
        expectUpdatedAt: job.updatedAt,
        sweepAt: at(90_000),
      }),
    ).toBe(false);
    expect(await dueIds(2_000 + LEASE + 1)).toContain(job.jobId);
  });

  it('deferSweep refuses a finished job even with a matching updatedAt', async () => {
    const { job } = await sweepJobs.create(newJob('tenant-d', { sweepAt: at(1_000) }));
    const cancelled = await sweepJobs.cancel({ ...job, now: at(500) });
    expect(
      await sweepJobs.deferSweep({
        ...job,
        expectUpdatedAt: cancelled!.updatedAt,
        sweepAt: at(60_000),
      }),
    ).toBe(false);
    expect((await sweepJobs.listDue(at(100_000), 1000)).map((j) => j.jobId)).not.toContain(job.jobId);
  });

  it('a requeued job re-enters the index', async () => {
    const { job } = await sweepJobs.create(newJob('tenant-r', { sweepAt: at(1_000) }));
    await sweepJobs.fail({ ...job, error: 'x', errorCode: 'x', now: at(100) });
    expect((await sweepJobs.listDue(at(200_000), 1000)).map((j) => j.jobId)).not.toContain(job.jobId);
    await sweepJobs.requeue({ ...job, now: at(150_000), sweepAt: at(151_000) });
    expect((await sweepJobs.listDue(at(200_000), 1000)).map((j) => j.jobId)).toContain(job.jobId);
  });
});
