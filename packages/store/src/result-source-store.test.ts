import { ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResultSourceStore, type ResultSourceStore } from './result-source-store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let sources: ResultSourceStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  sources = createResultSourceStore((await dynamo.freshStore('result-sources')).table);
});
afterAll(async () => {
  await dynamo.stop();
});

const digest = 'ab'.repeat(32);

describe('result sources', () => {
  it('finds the newest recorded document for a tenant and digest, and nothing for another tenant', async () => {
    await sources.record({
      tenantId: 'tenant-a',
      sha256: digest,
      documentId: 'doc_1',
      invoiceId: 'inv_1',
      now: T0,
    });
    await sources.record({
      tenantId: 'tenant-a',
      sha256: digest,
      documentId: 'doc_2',
      invoiceId: 'inv_2',
      now: at(1),
    });
    expect(await sources.find({ tenantId: 'tenant-a', sha256: digest })).toEqual({
      tenantId: 'tenant-a',
      sha256: digest,
      documentId: 'doc_2',
      invoiceId: 'inv_2',
      updatedAt: at(1).toISOString(),
    });
    expect(await sources.find({ tenantId: 'tenant-b', sha256: digest })).toBeUndefined();
    expect(await sources.find({ tenantId: 'tenant-a', sha256: 'cd'.repeat(32) })).toBeUndefined();
  });

  it('refuses a digest or tenant that could spell another key', async () => {
    await expect(sources.find({ tenantId: 'tenant-a', sha256: `${digest}#RESULT` })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(sources.find({ tenantId: 'tenant-a#SHA', sha256: digest })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      sources.record({
        tenantId: 'tenant-a',
        sha256: 'AB'.repeat(32),
        documentId: 'doc_1',
        invoiceId: 'inv_1',
        now: T0,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
