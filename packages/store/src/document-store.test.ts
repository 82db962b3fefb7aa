import { type JobStore, newId, ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewDocument } from './document';
import type { DocumentStore } from './document-store';
import { at, startTestDynamo, T0, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let documents: DocumentStore;
let jobs: JobStore;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  ({ documents, jobs } = await dynamo.freshStore('documents'));
});

afterAll(async () => {
  await dynamo.stop();
});

function newDocument(overrides: Partial<NewDocument> = {}): NewDocument {
  return {
    tenantId: 'tenant-a',
    documentId: newId('doc'),
    fileName: 'invoice.pdf',
    contentType: 'application/pdf',
    sizeBytes: 1234,
    sha256: 'a'.repeat(64),
    blobKey: 'tenant-a/uploads/invoice.pdf',
    now: T0,
    ...overrides,
  };
}

describe('documents', () => {
  it('creates an uploaded document, idempotently', async () => {
    const input = newDocument({ metadata: { source: 'email' } });
    const first = await documents.create(input);
    expect(first.created).toBe(true);
    expect(first.document).toMatchObject({
      status: 'uploaded',
      createdAt: T0.toISOString(),
      metadata: { source: 'email' },
    });
    expect(await documents.get(input)).toEqual(first.document);
    const again = await documents.create({ ...input, fileName: 'other.pdf', now: at(1_000) });
    expect(again).toEqual({ created: false, document: first.document });
  });

  it('updates fields of an existing document, and removes them with null', async () => {
    const { document } = await documents.create(newDocument());
    const failed = await documents.update({
      ...document,
      status: 'failed',
      error: 'unreadable',
      now: at(1_000),
    });
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'unreadable',
      updatedAt: at(1_000).toISOString(),
    });
    const processed = await documents.update({
      ...document,
      status: 'processed',
      error: null,
      pageCount: 4,
      metadata: { pages: 4 },
      now: at(2_000),
    });
    expect(processed).toMatchObject({ status: 'processed', pageCount: 4, metadata: { pages: 4 } });
    expect(processed).not.toHaveProperty('error');
    expect(processed?.fileName).toBe('invoice.pdf');
  });

  it('update refuses a missing document instead of creating one', async () => {
    const ref = { tenantId: 'tenant-a', documentId: newId('doc') };
    expect(await documents.update({ ...ref, status: 'processed', now: T0 })).toBeUndefined();
    expect(await documents.get(ref)).toBeUndefined();
  });

  it('deletes once', async () => {
    const { document } = await documents.create(newDocument());
    expect(await documents.delete(document)).toBe(true);
    expect(await documents.get(document)).toBeUndefined();
    expect(await documents.delete(document)).toBe(false);
  });

  it('lists a session’s documents, apart from its jobs, per tenant', async () => {
    const docs = [];
    for (let n = 0; n < 3; n++) {
      docs.push((await documents.create(newDocument({ sessionId: 'session-1', now: at(n) }))).document);
    }
    await jobs.create({
      tenantId: 'tenant-a',
      jobId: newId('job'),
      queue: 'thumbnail',
      payload: {},
      priority: 'high',
      traceId: 't',
      maxAttempts: 1,
      targetType: 'document',
      targetId: docs[0]!.documentId,
      sessionId: 'session-1',
      now: T0,
      availableAt: T0,
      sweepAt: T0,
    });
    const first = await documents.listBySession('tenant-a', 'session-1', { limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await documents.listBySession('tenant-a', 'session-1', { limit: 2, cursor: first.cursor! });
    expect([...first.items, ...rest.items].map((d) => d.documentId)).toEqual(docs.map((d) => d.documentId));
    expect(rest.cursor).toBeUndefined();
    expect((await jobs.listBySession('tenant-a', 'session-1')).items).toHaveLength(1);
    expect((await documents.listBySession('tenant-b', 'session-1')).items).toEqual([]);
  });

  it('is tenant-scoped: another tenant can neither read, change nor delete', async () => {
    const { document } = await documents.create(newDocument());
    const theirs = { tenantId: 'tenant-b', documentId: document.documentId };
    expect(await documents.get(theirs)).toBeUndefined();
    expect(await documents.update({ ...theirs, status: 'failed', now: at(1) })).toBeUndefined();
    expect(await documents.delete(theirs)).toBe(false);
    expect(await documents.get(document)).toEqual(document);
  });

  it('refuses hostile ids and bad fields', async () => {
    for (const bad of ['', 'a#b', 'with space', 'x'.repeat(1024)]) {
      await expect(documents.get({ tenantId: bad, documentId: 'd' })).rejects.toBeInstanceOf(ValidationError);
      await expect(documents.create(newDocument({ documentId: bad }))).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(documents.listBySession('tenant-a', bad)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(documents.create(newDocument({ sha256: 'nothex' }))).rejects.toBeInstanceOf(ValidationError);
    await expect(documents.create(newDocument({ sizeBytes: -1 }))).rejects.toBeInstanceOf(ValidationError);
  });
});
