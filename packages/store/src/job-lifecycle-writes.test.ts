import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type JobRecord, newId } from '@paperlane/core';
import { $add, $get, $remove, $set, PutItemCommand, UpdateItemCommand } from 'dynamodb-toolbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absent, claimableAt, heldBy } from './conditions';
import { createJobEntity, type JobEntity, newJobIndexKeys, toJobRecord } from './job-entity';
import { createJobLifecycleWrites, type JobLifecycleWrites } from './job-lifecycle-writes';
import { byStatusSk, jobKey, sweepKeys } from './keys';
import { createTable } from './table';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

/**
 * The prebuilt writes against the Job entity they stand in for: each write runs on two
 * tables, once prebuilt and once through the toolbox's builder from the entity, and
 * the stored items (every attribute, keys and index keys included) and returned records
 * must be equal. A renamed, added or re-keyed attribute on one side fails here.
 */
let dynamo: TestDynamo;
let fast: { writes: JobLifecycleWrites; tableName: string };
let reference: { Job: JobEntity; tableName: string };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const a = await dynamo.freshStore('prebuilt');
  const b = await dynamo.freshStore('toolbox');
  fast = { writes: createJobLifecycleWrites(createJobEntity(a.table)), tableName: a.tableName };
  reference = {
    Job: createJobEntity(createTable(dynamo.documentClient, b.tableName)),
    tableName: b.tableName,
  };
});

afterAll(async () => {
  await dynamo.stop();
});

const TENANT = 'tenant-w';
const LEASE_MS = 60_000;

/** The item as stored, every attribute included. */
async function stored(tableName: string, jobId: string) {
  const { Item } = await dynamo.documentClient.send(
    new GetCommand({ TableName: tableName, Key: jobKey(TENANT, jobId), ConsistentRead: true }),
  );
  return Item;
}

async function expectSameItem(jobId: string) {
  const item = await stored(fast.tableName, jobId);
  expect(item).toBeDefined();
  expect(item).toEqual(await stored(reference.tableName, jobId));
}

function record(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    tenantId: TENANT,
    jobId: newId('job'),
    queue: 'thumbnail',
    targetType: 'document',
    targetId: 'doc-1',
    status: 'pending',
    progress: 0,
    attempts: 0,
    maxAttempts: 3,
    priority: 'high',
    payload: { tenantId: TENANT, documentId: 'doc-1', nested: { list: [1, 'two'], empty: {} } },
    traceId: 'trace-1',
    generation: 0,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    availableAt: T0.toISOString(),
    ...overrides,
  };
}

// The toolbox's spelling of each write, as the job store made it before it was prebuilt.
async function referenceCreate(job: JobRecord, sweepAt: string) {
  await reference.Job.build(PutItemCommand)
    .item({ ...job, ...newJobIndexKeys(job, sweepAt) })
    .options({ condition: absent })
    .send();
}

async function referenceClaim(jobId: string, now: Date): Promise<JobRecord | undefined> {
  const nowIso = now.toISOString();
  const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
  const { Attributes } = await reference.Job.build(UpdateItemCommand)
    .item({
      tenantId: TENANT,
      jobId,
      status: 'processing',
      attempts: $add(1),
      leaseUntil,
      readyAt: leaseUntil,
      startedAt: $get('startedAt', nowIso),
      updatedAt: nowIso,
      gsi3sk: byStatusSk('processing', nowIso, jobId),
      ...sweepKeys(leaseUntil, TENANT, jobId),
    })
    .options({ condition: claimableAt(nowIso), returnValues: 'ALL_NEW' })
    .send();
  return Attributes && toJobRecord(Attributes);
}

async function referenceComplete(
  jobId: string,
  attempt: number,
  now: Date,
  result: Record<string, unknown> | undefined,
  settleAt: string | undefined,
): Promise<JobRecord | undefined> {
  const nowIso = now.toISOString();
  const sweep = settleAt
    ? {
        leaseUntil: $remove(),
        readyAt: $remove(),
        settleAt,
        settleTries: 0,
        ...sweepKeys(settleAt, TENANT, jobId),
      }
    : { leaseUntil: $remove(), readyAt: $remove(), gsi4pk: $remove(), gsi4sk: $remove() };
  const { Attributes } = await reference.Job.build(UpdateItemCommand)
    .item({
      tenantId: TENANT,
      jobId,
      status: 'complete',
      updatedAt: nowIso,
      gsi3sk: byStatusSk('complete', nowIso, jobId),
      progress: 100,
      finishedAt: nowIso,
      ...(result !== undefined ? { result: $set(result) } : {}),
      ...sweep,
    })
    .options({ condition: heldBy(attempt), returnValues: 'ALL_NEW' })
    .send();
  return Attributes && toJobRecord(Attributes);
}

async function createBoth(job: JobRecord, sweepAt: string) {
  const outcome = await fast.writes.create({ ...job, ...newJobIndexKeys(job, sweepAt) });
  expect(outcome.ok).toBe(true);
  await referenceCreate(job, sweepAt);
  await expectSameItem(job.jobId);
}

async function claimBoth(jobId: string, now: Date): Promise<JobRecord> {
  const outcome = await fast.writes.claim({
    tenantId: TENANT,
    jobId,
    nowIso: now.toISOString(),
    leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
  });
  if (!outcome.ok || !outcome.value) throw new Error('prebuilt claim refused');
  expect(outcome.value).toEqual(await referenceClaim(jobId, now));
  await expectSameItem(jobId);
  return outcome.value;
}

describe('prebuilt lifecycle writes store what the toolbox builder stores', () => {
  it('create, with and without the optional attributes and index keys', async () => {
    await createBoth(record(), at(30_000).toISOString());
    await createBoth(
      record({ sessionId: 'session-1', documentId: 'doc-1', dedupeKey: 'dedupe-1' }),
      at(30_000).toISOString(),
    );
  });

  it('claim, then a takeover after the lease lapsed (the next attempt, startedAt kept)', async () => {
    const job = record();
    await createBoth(job, at(30_000).toISOString());
    const first = await claimBoth(job.jobId, at(1_000));
    expect(first).toMatchObject({ status: 'processing', attempts: 1, startedAt: at(1_000).toISOString() });
    const second = await claimBoth(job.jobId, at(2_000 + LEASE_MS));
    expect(second).toMatchObject({ attempts: 2, startedAt: at(1_000).toISOString() });
  });

  it.each([
    { shape: 'no result, no marker', result: undefined, settleAt: undefined },
    { shape: 'a result', result: { pages: 3, text: 'ok', nested: { a: [true, null] } }, settleAt: undefined },
    { shape: 'an outbox marker', result: undefined, settleAt: at(90_000).toISOString() },
    { shape: 'a result and an outbox marker', result: { pages: 1 }, settleAt: at(90_000).toISOString() },
  ])('complete with $shape', async ({ result, settleAt }) => {
    const job = record({ documentId: 'doc-2' });
    await createBoth(job, at(30_000).toISOString());
    await claimBoth(job.jobId, at(1_000));
    const nowIso = at(5_000).toISOString();
    const done = await fast.writes.complete({
      tenantId: TENANT,
      jobId: job.jobId,
      attempt: 1,
      nowIso,
      ...(result !== undefined ? { result } : {}),
      ...(settleAt !== undefined ? { settleAt } : {}),
    });
    expect(done).toMatchObject({ status: 'complete', progress: 100, finishedAt: nowIso });
    expect(done).toEqual(await referenceComplete(job.jobId, 1, at(5_000), result, settleAt));
    await expectSameItem(job.jobId);
  });

  it('complete is fenced by the attempt, like the builder’s heldBy', async () => {
    const job = record();
    await createBoth(job, at(30_000).toISOString());
    await claimBoth(job.jobId, at(1_000));
    const nowIso = at(5_000).toISOString();
    expect(
      await fast.writes.complete({ tenantId: TENANT, jobId: job.jobId, attempt: 2, nowIso }),
    ).toBeUndefined();
    expect(await stored(fast.tableName, job.jobId)).toMatchObject({ status: 'processing', attempts: 1 });
  });
});
