import { type NewJob, newId } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobWindowReader, listTenants } from './job-window';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.stop();
});

function newJob(tenantId: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    tenantId,
    jobId: newId('job'),
    queue: 'thumbnail',
    payload: { tenantId, documentId: 'doc-1' },
    priority: 'high',
    traceId: 'trace-1',
    maxAttempts: 1,
    targetType: 'document',
    targetId: 'doc-1',
    now: T0,
    availableAt: T0,
    sweepAt: at(30_000),
    ...overrides,
  };
}

describe('tenant directory and job window', () => {
  it('lists every tenant that created a job, once, bounded', async () => {
    const store = await dynamo.freshStore();
    for (const tenant of ['beta', 'acme', 'acme', 'gamma']) await store.jobs.create(newJob(tenant));
    expect(await listTenants(store.table, 10)).toEqual({
      tenantIds: ['acme', 'beta', 'gamma'],
      truncated: false,
    });
    expect(await listTenants(store.table, 2)).toEqual({ tenantIds: ['acme', 'beta'], truncated: true });
  });

  it('reads the jobs a queue finished since an instant, by outcome, and the oldest pending one', async () => {
    const store = await dynamo.freshStore();
    const finish = async (ms: number, outcome: 'complete' | 'failed') => {
      const { job } = await store.jobs.create(
        newJob('acme', { now: at(ms - 500), availableAt: at(ms - 500) }),
      );
      await store.jobs.claim({ tenantId: 'acme', jobId: job.jobId, now: at(ms - 400), leaseMs: 60_000 });
      const ref = { tenantId: 'acme', jobId: job.jobId, attempt: 1, now: at(ms) };
      if (outcome === 'complete') await store.jobs.complete(ref);
      else await store.jobs.fail({ ...ref, error: 'no', errorCode: 'nope' });
    };
    await finish(1_000, 'complete'); // before the window
    await finish(10_000, 'complete');
    await finish(11_000, 'complete');
    await finish(12_000, 'failed');
    await store.jobs.create(newJob('acme', { now: at(2_000), availableAt: at(2_000) }));

    const window = (status: 'complete' | 'failed', limit = 100) =>
      createJobWindowReader(store.table).finishedSince({
        tenantId: 'acme',
        queue: 'thumbnail',
        status,
        since: at(5_000),
        limit,
      });
    const completed = await window('complete');
    expect(completed.jobs).toHaveLength(2);
    expect(completed.jobs[0]).toEqual({
      status: 'complete',
      startedAt: at(10_600).toISOString(),
      finishedAt: at(11_000).toISOString(),
    });
    expect((await window('failed')).jobs).toHaveLength(1);
    expect(await window('complete', 1)).toMatchObject({ truncated: true });
    // Another tenant's partition is another tenant's.
    expect(
      (
        await createJobWindowReader(store.table).finishedSince({
          tenantId: 'beta',
          queue: 'thumbnail',
          status: 'complete',
          since: T0,
          limit: 9,
        })
      ).jobs,
    ).toEqual([]);
    expect(
      await createJobWindowReader(store.table).oldestPendingSince({ tenantId: 'acme', queue: 'thumbnail' }),
    ).toEqual(at(2_000));
    expect(
      await createJobWindowReader(store.table).oldestPendingSince({ tenantId: 'acme', queue: 'automation' }),
    ).toBeUndefined();
  });

  it('refuses hostile ids before they reach a key', async () => {
    const store = await dynamo.freshStore();
    await expect(store.tenants.remember('a#b')).rejects.toThrow();
    await expect(
      createJobWindowReader(store.table).finishedSince({
        tenantId: 'acme#x',
        queue: 'thumbnail',
        status: 'failed',
        since: T0,
        limit: 1,
      }),
    ).rejects.toThrow();
  });
});
