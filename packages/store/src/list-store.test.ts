import { type JobRecord, type NewJob, QUEUE_NAMES, ValidationError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentRecord } from './document';
import type { JobListQuery } from './list-query';
import { createListStore, type ListStore } from './list-store';
import type { Store } from './store';
import { at, startTestDynamo, type TestDynamo } from './test-store';

let dynamo: TestDynamo;
let store: Store;
let lists: ListStore;
/** Every job of tenant A as it ended up, and tenant B's (which must never show). */
const jobsA: JobRecord[] = [];
const jobsB: JobRecord[] = [];
const documentsA: DocumentRecord[] = [];

const A = 'tenant-a';
const B = 'tenant-b';
const SESSIONS = ['sess-1', 'sess-2'];
const DOCS = ['doc-1', 'doc-2', 'doc-3'];
const CODES = ['ocr_failed', 'unsupported_file_type'];

function newJob(tenantId: string, n: number): NewJob {
  const documentId = DOCS[n % DOCS.length];
  return {
    tenantId,
    jobId: `job-${tenantId}-${String(n).padStart(3, '0')}`,
    queue: QUEUE_NAMES[n % 3] ?? 'thumbnail',
    payload: {},
    priority: 'high',
    traceId: `trace-${n}`,
    maxAttempts: 3,
    targetType: 'document',
    targetId: documentId ?? 'doc-1',
    ...(n % 4 !== 3 ? { documentId } : {}),
    ...(n % 5 !== 4 ? { sessionId: SESSIONS[n % 2] } : {}),
    // Several jobs share an instant, so ties are broken by id.
    now: at(Math.floor(n / 2) * 1_000),
    availableAt: at(0),
    sweepAt: at(600_000),
  };
}

/** Moves job n to one of the statuses, at a later time than its creation. */
async function settle(job: JobRecord, n: number): Promise<JobRecord> {
  const later = at(100_000 + ((n * 7919) % 50) * 1_000);
  const ref = { tenantId: job.tenantId, jobId: job.jobId };
  switch (n % 5) {
    case 0:
      return job;
    case 1: {
      await store.jobs.claim({ ...ref, now: later, leaseMs: 60_000 });
      return (await store.jobs.complete({ ...ref, attempt: 1, now: later })) as JobRecord;
    }
    case 2:
    case 3:
      return (await store.jobs.fail({
        ...ref,
        error: 'boom',
        errorCode: CODES[n % 2] as string,
        now: later,
      })) as JobRecord;
    default:
      return (await store.jobs.cancel({ ...ref, now: later })) as JobRecord;
  }
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  store = await dynamo.freshStore('lists');
  lists = createListStore(store.table);
  for (let n = 0; n < 48; n++) {
    const { job } = await store.jobs.create(newJob(A, n));
    jobsA.push(await settle(job, n));
  }
  for (let n = 0; n < 12; n++) {
    const { job } = await store.jobs.create(newJob(B, n));
    jobsB.push(await settle(job, n));
  }
  for (let n = 0; n < 9; n++) {
    const { document } = await store.documents.create({
      tenantId: A,
      documentId: `ldoc-${n}`,
      fileName: `f${n}.pdf`,
      contentType: 'application/pdf',
      sizeBytes: 10,
      sha256: 'a'.repeat(64),
      blobKey: `k${n}`,
      now: new Date(Date.UTC(2030, 0, 1 + n, 12)),
    });
    documentsA.push(document);
  }
  await store.documents.create({
    tenantId: B,
    documentId: 'ldoc-b',
    fileName: 'b.pdf',
    contentType: 'application/pdf',
    sizeBytes: 10,
    sha256: 'a'.repeat(64),
    blobKey: 'kb',
    now: new Date(Date.UTC(2030, 0, 5)),
  });
}, 120_000);

afterAll(async () => {
  await dynamo.stop();
});

/** Pages through a job list, checking every page's size, and returns the ids in order. */
async function pageJobs(query: JobListQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const page = await lists.jobs({ ...query, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(query.limit ?? 25);
    ids.push(...page.items.map((job) => job.jobId));
    cursor = page.cursor;
    if (!cursor) return ids;
  }
  throw new Error('paging did not end');
}

type Filter = Omit<JobListQuery, 'tenantId' | 'limit' | 'cursor'>;

function expected(filter: Filter): string[] {
  const byChange = !filter.sessionId && !filter.documentId;
  const after = filter.createdAfter ? new Date(filter.createdAfter).toISOString() : undefined;
  const before = filter.createdBefore ? new Date(filter.createdBefore).toISOString() : undefined;
  return jobsA
    .filter(
      (job) =>
        (!filter.status || job.status === filter.status) &&
        (!filter.queue || job.queue === filter.queue) &&
        (!filter.sessionId || job.sessionId === filter.sessionId) &&
        (!filter.documentId || job.documentId === filter.documentId) &&
        (!filter.errorCode || job.errorCode === filter.errorCode) &&
        (!after || job.createdAt >= after) &&
        (!before || job.createdAt < before),
    )
    .map((job) => ({ job, key: `${byChange ? job.updatedAt : job.createdAt}#${job.jobId}` }))
    .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .map(({ job }) => job.jobId);
}

const FILTERS: Filter[] = [
  {},
  { status: 'failed' },
  { status: 'pending' },
  { queue: QUEUE_NAMES[1] },
  { status: 'failed', queue: QUEUE_NAMES[0] },
  { errorCode: 'ocr_failed' },
  { status: 'complete', errorCode: 'ocr_failed' },
  { sessionId: 'sess-1' },
  { sessionId: 'sess-2', status: 'failed' },
  { documentId: 'doc-2' },
  { documentId: 'doc-1', queue: QUEUE_NAMES[2] },
  { sessionId: 'sess-1', documentId: 'doc-3' },
  { createdAfter: at(5_000).toISOString() },
  { createdBefore: at(10_000).toISOString() },
  { createdAfter: at(3_000).toISOString(), createdBefore: at(15_000).toISOString(), status: 'cancelled' },
  { sessionId: 'sess-1', createdAfter: at(4_000).toISOString(), createdBefore: at(20_000).toISOString() },
  { sessionId: 'no-such-session' },
];

describe('job lists', () => {
  it('has a data set where the filters select different, non-empty sets', () => {
    expect(new Set(jobsA.map((job) => job.status)).size).toBe(4);
    expect(expected({ status: 'failed' }).length).toBeGreaterThan(5);
    expect(expected({ sessionId: 'sess-2', status: 'failed' }).length).toBeGreaterThan(0);
  });

  for (const filter of FILTERS) {
    for (const limit of [1, 7, 25, 100]) {
      it(`pages ${JSON.stringify(filter)} by ${limit}: exactly the matching jobs, newest first, no dups or gaps`, async () => {
        const ids = await pageJobs({ tenantId: A, ...filter, limit });
        expect(ids).toEqual(expected(filter));
      });
    }
  }

  it('fills a filtered page from full batches: one match behind 150 misses comes back in one page', async () => {
    const tenantId = 'tenant-sparse';
    for (let n = 0; n < 151; n++) {
      const jobId = `job-sparse-${String(n).padStart(3, '0')}`;
      await store.jobs.create({ ...newJob(tenantId, n), jobId, queue: 'thumbnail', now: at(n * 1_000) });
      // The oldest failure is the only `rare` one: newest first, it is read last.
      await store.jobs.fail({
        tenantId,
        jobId,
        error: 'x',
        errorCode: n === 0 ? 'rare' : 'common',
        now: at(n * 1_000),
      });
    }
    const page = await lists.jobs({ tenantId, errorCode: 'rare', limit: 25 });
    expect(page.items.map((job) => job.jobId)).toEqual(['job-sparse-000']);
    expect(page.cursor).toBeUndefined();
  }, 60_000);

  it('never shows another tenant', async () => {
    const ids = await pageJobs({ tenantId: B, limit: 100 });
    expect(ids.sort()).toEqual(jobsB.map((job) => job.jobId).sort());
    expect(ids.every((id) => id.startsWith('job-tenant-b-'))).toBe(true);
  });

  it('refuses a cursor used with other filters, another tenant or after tampering', async () => {
    const first = await lists.jobs({ tenantId: A, status: 'failed', limit: 2 });
    const cursor = first.cursor as string;
    expect(cursor).toBeDefined();
    const refused = async (query: JobListQuery) => {
      const error = await lists.jobs(query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).code).toBe('invalid_cursor');
    };
    await refused({ tenantId: A, status: 'pending', limit: 2, cursor });
    await refused({ tenantId: B, status: 'failed', limit: 2, cursor });
    await refused({ tenantId: A, limit: 2, cursor });
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const frontier = payload.f.find((f: unknown) => f && typeof f === 'object');
    frontier.pk = frontier.pk.replace('tenant-a', 'tenant-b');
    await refused({
      tenantId: A,
      status: 'failed',
      limit: 2,
      cursor: Buffer.from(JSON.stringify(payload)).toString('base64url'),
    });
    for (const garbage of ['x', '!!!', Buffer.from('{"v":1}').toString('base64url'), 'A'.repeat(9000)]) {
      await refused({ tenantId: A, limit: 2, cursor: garbage });
    }
    // The same cursor with the same filters (keys in another order) goes on.
    const next = await lists.jobs({ limit: 2, status: 'failed', tenantId: A, cursor });
    expect(next.items.length).toBe(2);
  });

  it('refuses hostile filters', async () => {
    const bad: JobListQuery[] = [
      { tenantId: A, limit: 0 },
      { tenantId: A, limit: 1000 },
      { tenantId: A, createdAfter: 'yesterday' },
      { tenantId: A, createdAfter: at(2).toISOString(), createdBefore: at(1).toISOString() },
      { tenantId: A, sessionId: 'a#b' },
      { tenantId: A, errorCode: 'x'.repeat(5000) },
      { tenantId: 'T#x' },
      { tenantId: A, status: 'weird' as 'failed' },
    ];
    for (const query of bad) {
      await expect(lists.jobs(query)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('failed job scan', () => {
  it('reads the failed records, by queue and error code, with a cap that says truncated', async () => {
    const all = await lists.failedJobs(A, {});
    expect(all.jobs.map((job) => job.jobId)).toEqual(expected({ status: 'failed' }));
    expect(all.truncated).toBe(false);
    const some = await lists.failedJobs(A, { queue: QUEUE_NAMES[0], errorCode: 'ocr_failed' });
    expect(some.jobs.map((job) => job.jobId)).toEqual(
      expected({ status: 'failed', queue: QUEUE_NAMES[0], errorCode: 'ocr_failed' }),
    );
    const capped = await lists.failedJobs(A, {}, 3);
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.jobs.length).toBe(3);
  });
});

describe('document and session lists', () => {
  async function pageDocuments(query: Parameters<ListStore['documents']>[0]) {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await lists.documents({ ...query, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((d) => d.documentId));
      cursor = page.cursor;
    } while (cursor);
    return ids;
  }

  it('lists the tenant documents newest first, by date range and status, at any page size', async () => {
    const newestFirst = [...documentsA].reverse().map((d) => d.documentId);
    for (const limit of [1, 4, 100]) {
      expect(await pageDocuments({ tenantId: A, limit })).toEqual(newestFirst);
      expect(
        await pageDocuments({ tenantId: A, limit, dateFrom: '2030-01-03', dateTo: '2030-01-05' }),
      ).toEqual(['ldoc-4', 'ldoc-3', 'ldoc-2']);
      expect(await pageDocuments({ tenantId: A, limit, status: 'uploaded' })).toEqual(newestFirst);
      expect(await pageDocuments({ tenantId: A, limit, status: 'failed' })).toEqual([]);
    }
    expect(await pageDocuments({ tenantId: B })).toEqual(['ldoc-b']);
    await expect(lists.documents({ tenantId: A, dateFrom: '2030-13-45' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      lists.documents({ tenantId: A, dateFrom: '2030-01-05', dateTo: '2030-01-04' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('searches documents by the vendor and invoice number extracted from them', async () => {
    const target = documentsA[2] as DocumentRecord;
    await store.invoices.create({
      tenantId: A,
      invoiceId: 'inv-1',
      documentId: target.documentId,
      source: 'upload',
      now: at(0),
    });
    await store.invoices.update({
      tenantId: A,
      invoiceId: 'inv-1',
      fields: {
        vendorName: 'ACME Tools GmbH',
        invoiceNumber: 'INV-2030-7',
        lineItems: [],
        taxes: [],
        confidence: {},
        provider: 'rules',
      },
      now: at(1),
    });
    expect(await pageDocuments({ tenantId: A, vendor: 'acme', limit: 2 })).toEqual([target.documentId]);
    expect(await pageDocuments({ tenantId: A, invoiceNumber: 'inv-2030-7' })).toEqual([target.documentId]);
    expect(await pageDocuments({ tenantId: A, vendor: 'acme', invoiceNumber: 'other' })).toEqual([]);
    expect(await pageDocuments({ tenantId: B, vendor: 'acme' })).toEqual([]);
  });

  it('lists upload sessions newest first, per tenant', async () => {
    for (let n = 0; n < 5; n++) {
      await store.sessions.create({ tenantId: A, sessionId: `ls-${n}`, now: at(n * 1_000) });
    }
    await store.sessions.create({ tenantId: B, sessionId: 'ls-b', now: at(0) });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await lists.sessions({ tenantId: A, limit: 2, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((s) => s.sessionId));
      cursor = page.cursor;
    } while (cursor);
    expect(ids).toEqual(['ls-4', 'ls-3', 'ls-2', 'ls-1', 'ls-0']);
    const other = await lists.sessions({ tenantId: B });
    expect(other.items.map((s) => s.sessionId)).toEqual(['ls-b']);
  });
});
