import {
  type JobRecord,
  type JobStatus,
  type JobStore,
  jobStatusSchema,
  type QueueName,
  queueNameSchema,
  RetryableError,
  ValidationError,
} from '@paperlane/core';
import { BatchGetCommand, BatchGetRequest, executeBatchGet, QueryCommand } from 'dynamodb-toolbox';
import { JOB_ENTITY, type JobEntity, jobFormatter, toJobRecord } from './job-entity';
import {
  byDocumentPk,
  byQueuePk,
  bySessionPk,
  jobKey,
  SESSION_JOB_PREFIX,
  SWEEP_SHARDS,
  statusPrefix,
  sweepPk,
  tenantPrefix,
} from './keys';
import { queryPage } from './query-page';
import { ENTITY_ATTRIBUTE, INDEXES, type PaperlaneTable } from './table';
import { parseId, toIso } from './validate';

/** DynamoDB's BatchGetItem limit. */
const BATCH_SIZE = 100;
/** Rounds of retrying unprocessed keys (throttling) before giving up with a retryable error. */
const BATCH_ROUNDS = 5;
/** The sweeper's page is bounded: it works in rounds. */
const MAX_DUE = 1000;

type JobQueries = Pick<JobStore, 'getMany' | 'listBySession' | 'listByDocument' | 'listByStatus' | 'listDue'>;

/** The read side of the `JobStore`: batch gets, tenant-scoped index pages, and the sweeper's list. */
export function createJobQueries(table: PaperlaneTable, Job: JobEntity): JobQueries {
  const format = jobFormatter(Job);
  const jobsOf = (tenantId: string) => ({
    entityName: JOB_ENTITY,
    format,
    basePrefix: `${tenantPrefix(tenantId)}JOB#`,
  });

  async function getChunk(tenantId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>> {
    const found = new Map<string, JobRecord>();
    let pending = [...jobIds];
    for (let round = 0; pending.length > 0; round++) {
      if (round === BATCH_ROUNDS) {
        throw new RetryableError(`batch get left ${pending.length} keys unprocessed`, { code: 'throttled' });
      }
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
      const command = table
        .build(BatchGetCommand)
        .requests(...pending.map((jobId) => Job.build(BatchGetRequest).key({ tenantId, jobId })))
        .options({ consistent: true });
      const { Responses, UnprocessedKeys } = await executeBatchGet(command);
      const items = Responses?.[0] ?? [];
      for (const item of items) {
        if (item && item.tenantId === tenantId) found.set(item.jobId, toJobRecord(item));
      }
      const unprocessed = new Set(
        (UnprocessedKeys?.[table.getName()]?.Keys ?? []).map((key) => String(key.pk)),
      );
      pending = pending.filter((jobId) => unprocessed.has(jobKey(tenantId, jobId).pk));
    }
    return found;
  }

  return {
    async getMany(tenantId, jobIds) {
      const tenant = parseId(tenantId, 'tenantId');
      // BatchGetItem refuses duplicate keys; the answer keeps the first-asked order.
      const ids = [...new Set(jobIds.map((jobId) => parseId(jobId, 'jobId')))];
      const found = new Map<string, JobRecord>();
      for (let start = 0; start < ids.length; start += BATCH_SIZE) {
        for (const [jobId, job] of await getChunk(tenant, ids.slice(start, start + BATCH_SIZE))) {
          found.set(jobId, job);
        }
      }
      return ids.flatMap((jobId) => found.get(jobId) ?? []);
    },

    async listBySession(tenantId, sessionId, page) {
      const tenant = parseId(tenantId, 'tenantId');
      const session = parseId(sessionId, 'sessionId');
      return queryPage(
        table,
        {
          ...INDEXES.bySession,
          index: INDEXES.bySession.name,
          partition: bySessionPk(tenant, session),
          sortPrefix: SESSION_JOB_PREFIX,
          ...jobsOf(tenant),
        },
        page,
      );
    },

    async listByDocument(tenantId, documentId, page) {
      const tenant = parseId(tenantId, 'tenantId');
      const document = parseId(documentId, 'documentId');
      return queryPage(
        table,
        {
          ...INDEXES.byDocument,
          index: INDEXES.byDocument.name,
          partition: byDocumentPk(tenant, document),
          sortPrefix: SESSION_JOB_PREFIX,
          ...jobsOf(tenant),
        },
        page,
      );
    },

    async listByStatus(tenantId, queue, status, page) {
      const tenant = parseId(tenantId, 'tenantId');
      const q: QueueName = parseEnum(queueNameSchema, queue, 'queue');
      const s: JobStatus = parseEnum(jobStatusSchema, status, 'status');
      return queryPage(
        table,
        {
          ...INDEXES.byStatus,
          index: INDEXES.byStatus.name,
          partition: byQueuePk(tenant, q),
          sortPrefix: statusPrefix(s),
          ...jobsOf(tenant),
        },
        page,
      );
    },

    async listDue(now, limit) {
      const nowIso = toIso(now, 'now');
      if (!Number.isInteger(limit) || limit < 1)
        throw new ValidationError('limit must be a positive integer');
      const take = Math.min(limit, MAX_DUE);
      // The oldest `take` overall are among the oldest `take` of each shard.
      const shards = await Promise.all(
        Array.from({ length: SWEEP_SHARDS }, (_, shard) =>
          table
            .build(QueryCommand)
            .query({ index: INDEXES.sweep.name, partition: sweepPk(shard), range: { lt: nowIso } })
            .options({ limit: take })
            .send(),
        ),
      );
      const raw = shards
        .flatMap(({ Items = [] }) => Items as Record<string, unknown>[])
        .filter((item) => item[ENTITY_ATTRIBUTE] === JOB_ENTITY)
        .sort((a, b) => compare(String(a[INDEXES.sweep.sortKey]), String(b[INDEXES.sweep.sortKey])));
      return (
        raw
          .map(format)
          // The index is eventually consistent: a job may have finished (or settled) since it was indexed.
          .filter((job) => job.status === 'pending' || job.status === 'processing' || job.settleAt)
          .slice(0, take)
      );
    },
  };
}

function parseEnum<T extends string>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  field: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`${field} is not valid`);
  return result.data;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
