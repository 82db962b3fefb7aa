import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { JobRecord } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createJobStore } from './job-store';
import { jobKey } from './keys';
import { createTable } from './table';
import { at, T0 } from './test-store';

/**
 * Real DynamoDB returns the item with a failed condition (ALL_OLD); dynalite does
 * not, so these tests stand in a client that does, and check that the outcome is
 * classified from it without a second request.
 */
function stubClient(old: Record<string, unknown> | undefined) {
  const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      sent.push({ name: command.constructor.name, input: command.input });
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        ...(old ? { Item: marshall(old, { removeUndefinedValues: true }) } : {}),
      });
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, sent };
}

const job: JobRecord = {
  tenantId: 'tenant-a',
  jobId: 'job-1',
  queue: 'thumbnail',
  targetType: 'document',
  targetId: 'doc-1',
  status: 'processing',
  progress: 10,
  attempts: 1,
  maxAttempts: 3,
  priority: 'high',
  payload: { tenantId: 'tenant-a', documentId: 'doc-1' },
  traceId: 'trace',
  generation: 0,
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  availableAt: T0.toISOString(),
  leaseUntil: at(60_000).toISOString(),
};

function saved(record: JobRecord) {
  return { ...record, ...jobKey(record.tenantId, record.jobId), _et: 'Job', gsi3pk: 'x', gsi3sk: 'y' };
}

describe('condition failures with ALL_OLD', () => {
  it('claim: leased, classified from the returned item with one request', async () => {
    const { client, sent } = stubClient(saved(job));
    const jobs = createJobStore(createTable(client, 't'));
    const claim = await jobs.claim({ tenantId: 'tenant-a', jobId: 'job-1', now: at(1_000), leaseMs: 60_000 });
    expect(claim).toEqual({ outcome: 'leased', job, leaseUntil: at(60_000) });
    expect(sent.map((s) => s.name)).toEqual(['UpdateItemCommand']);
    expect(sent[0]?.input).toMatchObject({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('claim: finished and not-yet', async () => {
    const complete = { ...job, status: 'complete' as const, leaseUntil: undefined };
    const finished = createJobStore(createTable(stubClient(saved(complete)).client, 't'));
    expect((await finished.claim({ ...job, now: at(1_000), leaseMs: 1 })).outcome).toBe('finished');

    const delayed = {
      ...job,
      status: 'pending' as const,
      availableAt: at(5_000).toISOString(),
      leaseUntil: undefined,
    };
    const early = createJobStore(createTable(stubClient(saved(delayed)).client, 't'));
    expect(await early.claim({ ...job, now: at(1_000), leaseMs: 1 })).toMatchObject({
      outcome: 'not-yet',
      availableAt: at(5_000),
    });
  });

  it('create: a duplicate returns the existing record with one request', async () => {
    const { client, sent } = stubClient(saved(job));
    const jobs = createJobStore(createTable(client, 't'));
    const result = await jobs.create({
      ...job,
      payload: { other: true },
      now: at(9_000),
      availableAt: at(9_000),
      sweepAt: at(9_000),
    });
    expect(result).toEqual({ created: false, job });
    expect(sent.map((s) => s.name)).toEqual(['PutItemCommand']);
  });

  it('other errors propagate', async () => {
    const client = {
      async send() {
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      },
    } as unknown as DynamoDBDocumentClient;
    const jobs = createJobStore(createTable(client, 't'));
    await expect(jobs.cancel({ tenantId: 'tenant-a', jobId: 'job-1', now: T0 })).rejects.toThrow('throttled');
  });
});
