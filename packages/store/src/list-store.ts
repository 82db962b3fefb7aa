import { JOB_STATUSES, type JobRecord, QUEUE_NAMES, type QueueName } from '@paperlane/core';
import { EntityFormatter } from 'dynamodb-toolbox';
import type { DocumentRecord } from './document';
import { createDocumentEntity, DOCUMENT_ENTITY, documentFormatter } from './document-entity';
import { createInvoiceStore } from './invoice-store';
import { createJobEntity, JOB_ENTITY, jobFormatter } from './job-entity';
import {
  byDocumentPk,
  byQueuePk,
  bySessionPk,
  DOCUMENT_LIST_PREFIX,
  documentsPk,
  SESSION_JOB_PREFIX,
  SESSION_LIST_PREFIX,
  sessionsPk,
  statusPrefix,
  tenantPrefix,
} from './keys';
import { type KeyRange, type MergedPage, mergedPage } from './list-merge';
import {
  type DocumentListQuery,
  documentListQuerySchema,
  type JobListQuery,
  jobListQuerySchema,
  type SessionListQuery,
  sessionListQuerySchema,
} from './list-query';
import { INDEXES, type PaperlaneTable } from './table';
import type { UploadSessionRecord } from './upload-session';
import { createUploadSessionEntity, toUploadSessionRecord } from './upload-session-entity';
import { parseInput } from './validate';

/** `~` sorts after every character keys use: the top of a prefix's range. */
const TOP = '~';

/** The part of a sort key after its first `prefix` (the `<time>#<id>` the merge compares). */
function after(prefix: string, sortKey: string) {
  return (raw: Record<string, unknown>) => String(raw[sortKey]).slice(prefix.length);
}

/** Failed jobs read at most this many per call (groups, bulk retry); past it the answer says truncated. */
export const MAX_SCANNED_FAILED = 5000;

export interface FailedJobScan {
  jobs: JobRecord[];
  /** More failed jobs matched than were read. */
  truncated: boolean;
}

/**
 * The tenant-scoped list and search reads behind the REST lists: jobs, documents and
 * upload sessions newest first, with filters and opaque cursors bound to tenant, list
 * and filters. Every query stays in the caller's tenant partitions.
 *
 * @example
 * const lists = createListStore(store.table);
 * const page = await lists.jobs({ tenantId, status: 'failed', limit: 25 });
 */
export function createListStore(table: PaperlaneTable) {
  const formatJob = jobFormatter(createJobEntity(table));
  const formatDocument = documentFormatter(createDocumentEntity(table));
  const sessionFormatter = createUploadSessionEntity(table).build(EntityFormatter);
  const invoices = createInvoiceStore(table);

  /**
   * Jobs of a session or a document come from that partition (creation order); other
   * lists merge the tenant's queue × status ranges of gsi3, ordered by last change.
   */
  function jobRanges(q: ReturnType<typeof parseJobQuery>): KeyRange[] {
    const tenant = q.tenantId;
    const low = q.createdAfter?.toISOString() ?? '';
    if (q.sessionId || q.documentId) {
      const index = q.sessionId ? INDEXES.bySession : INDEXES.byDocument;
      const partition = q.sessionId
        ? bySessionPk(tenant, q.sessionId)
        : byDocumentPk(tenant, q.documentId as string);
      return [
        {
          index: index.name,
          partitionKey: index.partitionKey,
          sortKey: index.sortKey,
          partition,
          low: `${SESSION_JOB_PREFIX}${low}`,
          high: `${SESSION_JOB_PREFIX}${q.createdBefore?.toISOString() ?? TOP}`,
          order: after(SESSION_JOB_PREFIX, index.sortKey),
        },
      ];
    }
    const queues: readonly QueueName[] = q.queue ? [q.queue] : QUEUE_NAMES;
    const statuses = q.status ? [q.status] : JOB_STATUSES;
    return queues.flatMap((queue) =>
      statuses.map((status) => ({
        index: INDEXES.byStatus.name,
        partitionKey: INDEXES.byStatus.partitionKey,
        sortKey: INDEXES.byStatus.sortKey,
        partition: byQueuePk(tenant, queue),
        // A job changes after it is created: updatedAt ≥ createdAt bounds the range from below.
        low: `${statusPrefix(status)}${low}`,
        high: `${statusPrefix(status)}${TOP}`,
        order: after(statusPrefix(status), INDEXES.byStatus.sortKey),
      })),
    );
  }

  function jobMatches(q: ReturnType<typeof parseJobQuery>) {
    const afterIso = q.createdAfter?.toISOString();
    const beforeIso = q.createdBefore?.toISOString();
    return (job: JobRecord) =>
      (!q.status || job.status === q.status) &&
      (!q.queue || job.queue === q.queue) &&
      (!q.sessionId || job.sessionId === q.sessionId) &&
      (!q.documentId || job.documentId === q.documentId) &&
      (!q.errorCode || job.errorCode === q.errorCode) &&
      (!afterIso || job.createdAt >= afterIso) &&
      (!beforeIso || job.createdAt < beforeIso);
  }

  async function jobs(input: JobListQuery): Promise<MergedPage<JobRecord>> {
    const q = parseJobQuery(input);
    const matches = jobMatches(q);
    const { tenantId, limit, cursor, ...filters } = q;
    // What the chosen key ranges select exactly; any other filter is applied to what they read.
    const keyed = q.sessionId ? ['sessionId'] : q.documentId ? ['documentId'] : ['status', 'queue'];
    return mergedPage(table, {
      scope: { list: 'jobs', tenantId, filters },
      ranges: jobRanges(q),
      entityName: JOB_ENTITY,
      format: formatJob,
      keep: (records) => records.map(matches),
      sparse: Object.entries(filters).some(([name, value]) => value !== undefined && !keyed.includes(name)),
      basePrefix: `${tenantPrefix(tenantId)}JOB#`,
      limit,
      ...(cursor ? { cursor } : {}),
    });
  }

  /** Whether each document's invoice matches the vendor / invoice-number filters. */
  async function invoiceMatches(
    tenantId: string,
    documents: readonly DocumentRecord[],
    vendor: string | undefined,
    invoiceNumber: string | undefined,
  ): Promise<boolean[]> {
    const wantVendor = vendor?.toLowerCase();
    const wantNumber = invoiceNumber?.toLowerCase();
    return Promise.all(
      documents.map(async (document) => {
        const { items } = await invoices.listByDocument(tenantId, document.documentId, { limit: 5 });
        return items.some(
          ({ fields }) =>
            (!wantVendor || (fields?.vendorName ?? '').toLowerCase().includes(wantVendor)) &&
            (!wantNumber || (fields?.invoiceNumber ?? '').toLowerCase() === wantNumber),
        );
      }),
    );
  }

  async function documents(input: DocumentListQuery): Promise<MergedPage<DocumentRecord>> {
    const q = parseInput(documentListQuerySchema, input, 'document list query');
    const { tenantId, limit, cursor, ...filters } = q;
    const fromIso = q.dateFrom?.toISOString();
    const toIso = q.dateToExclusive?.toISOString();
    const byInvoice = q.vendor !== undefined || q.invoiceNumber !== undefined;
    return mergedPage(table, {
      scope: { list: 'documents', tenantId, filters },
      ranges: [
        {
          index: INDEXES.byStatus.name,
          partitionKey: INDEXES.byStatus.partitionKey,
          sortKey: INDEXES.byStatus.sortKey,
          partition: documentsPk(tenantId),
          low: `${DOCUMENT_LIST_PREFIX}${fromIso ?? ''}`,
          high: `${DOCUMENT_LIST_PREFIX}${toIso ?? TOP}`,
          order: after(DOCUMENT_LIST_PREFIX, INDEXES.byStatus.sortKey),
        },
      ],
      entityName: DOCUMENT_ENTITY,
      format: formatDocument,
      keep: async (records) => {
        const own = records.map(
          (d) =>
            (!q.status || d.status === q.status) &&
            (!fromIso || d.createdAt >= fromIso) &&
            (!toIso || d.createdAt < toIso),
        );
        if (!byInvoice) return own;
        // Only the documents still in the running are looked up.
        const candidates = records.filter((_, i) => own[i]);
        const found = await invoiceMatches(tenantId, candidates, q.vendor, q.invoiceNumber);
        let n = 0;
        return own.map((ok) => ok && found[n++] === true);
      },
      basePrefix: `${tenantPrefix(tenantId)}DOC#`,
      limit,
      ...(cursor ? { cursor } : {}),
    });
  }

  async function sessions(input: SessionListQuery): Promise<MergedPage<UploadSessionRecord>> {
    const { tenantId, limit, cursor } = parseInput(sessionListQuerySchema, input, 'session list query');
    return mergedPage(table, {
      scope: { list: 'sessions', tenantId, filters: {} },
      ranges: [
        {
          index: INDEXES.byStatus.name,
          partitionKey: INDEXES.byStatus.partitionKey,
          sortKey: INDEXES.byStatus.sortKey,
          partition: sessionsPk(tenantId),
          low: SESSION_LIST_PREFIX,
          high: `${SESSION_LIST_PREFIX}${TOP}`,
          order: after(SESSION_LIST_PREFIX, INDEXES.byStatus.sortKey),
        },
      ],
      entityName: 'UploadSession',
      format: (raw) => toUploadSessionRecord(sessionFormatter.format(raw)),
      basePrefix: `${tenantPrefix(tenantId)}SESSION#`,
      limit,
      ...(cursor ? { cursor } : {}),
    });
  }

  /**
   * The tenant's failed jobs (optionally of one queue and error code), newest change
   * first, at most `max` (≤ {@link MAX_SCANNED_FAILED}); read from the job records, so
   * it holds whatever happened to the queues' dead-letter stores.
   */
  async function failedJobs(
    tenantId: string,
    filter: { queue?: QueueName; errorCode?: string },
    max: number = MAX_SCANNED_FAILED,
  ): Promise<FailedJobScan> {
    const cap = Math.min(Math.max(1, Math.floor(max)), MAX_SCANNED_FAILED);
    const found: JobRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await jobs({
        tenantId,
        status: 'failed',
        ...(filter.queue ? { queue: filter.queue } : {}),
        ...(filter.errorCode ? { errorCode: filter.errorCode } : {}),
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      found.push(...page.items);
      cursor = page.cursor;
    } while (cursor && found.length <= cap);
    return { jobs: found.slice(0, cap), truncated: found.length > cap || cursor !== undefined };
  }

  return { jobs, documents, sessions, failedJobs };
}

export type ListStore = ReturnType<typeof createListStore>;

function parseJobQuery(input: JobListQuery) {
  return parseInput(jobListQuerySchema, input, 'job list query');
}
