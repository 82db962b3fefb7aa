import {
  type JobRecord,
  type JobStatus,
  jobStatusSchema,
  type QueueName,
  queueNameSchema,
  ValidationError,
} from '@paperlane/core';
import { QueryCommand } from 'dynamodb-toolbox';
import { createJobEntity, JOB_ENTITY, jobFormatter } from './job-entity';
import { byQueuePk, statusPrefix } from './keys';
import { ENTITY_ATTRIBUTE, INDEXES, type PaperlaneTable } from './table';
import { parseId, toIso } from './validate';

/** Counting stops here: a digest says "at least this many" rather than read forever. */
export const MAX_COUNTED_JOBS = 100_000;
export const MAX_LISTED_JOBS = 1000;

export interface JobWindowQuery {
  tenantId: string;
  queue: QueueName;
  status: JobStatus;
  /** Exclusive. */
  after: Date;
  /** Inclusive; defaults to any time. */
  until?: Date;
}

/**
 * Time-window reads of one tenant's jobs by queue and status (gsi3, whose sort key is
 * `<status>#<updatedAt>#<jobId>`): what automations need, e.g. "invoice jobs that failed
 * in the last 7 days", "invoice jobs completed since the last digest". `updatedAt` is
 * the time of the job's last transition, so a job counts in the window it last moved in.
 *
 * @example
 * const window = createJobWindowQueries(store.table);
 * const failed = await window.list({ tenantId, queue: 'invoice-processing', status: 'failed', after }, 100);
 */
export function createJobWindowQueries(table: PaperlaneTable) {
  const format = jobFormatter(createJobEntity(table));

  /** The index range of a window, or `undefined` for a window with nothing in it (`until` ≤ `after`). */
  function keyRange(query: JobWindowQuery) {
    const tenant = parseId(query.tenantId, 'tenantId');
    const queue = parse(queueNameSchema, query.queue, 'queue');
    const status = parse(jobStatusSchema, query.status, 'status');
    const prefix = statusPrefix(status);
    const after = toIso(query.after, 'after');
    const until = query.until ? toIso(query.until, 'until') : undefined;
    // DynamoDB refuses a BETWEEN whose bounds are inverted; such a window is just empty
    // (e.g. a run scheduled before the automation's creation time, or clocks apart).
    if (until !== undefined && until <= after) return undefined;
    // `$` sorts right after `#`: `<prefix><iso>$` is past every key of that instant.
    const low = `${prefix}${after}$`;
    const high = until ? `${prefix}${until}$` : `${prefix}~`;
    return { partition: byQueuePk(tenant, queue), range: { between: [low, high] as [string, string] } };
  }

  return {
    /** The window's jobs, oldest transition first, at most `limit` (≤ 1000). */
    async list(query: JobWindowQuery, limit: number): Promise<JobRecord[]> {
      if (!Number.isInteger(limit) || limit < 1)
        throw new ValidationError('limit must be a positive integer');
      const take = Math.min(limit, MAX_LISTED_JOBS);
      const window = keyRange(query);
      if (!window) return [];
      const { partition, range } = window;
      const jobs: JobRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const { Items = [], LastEvaluatedKey } = await table
          .build(QueryCommand)
          .query({ index: INDEXES.byStatus.name, partition, range })
          .options({ limit: take - jobs.length, ...(start ? { exclusiveStartKey: start } : {}) })
          .send();
        for (const raw of Items as Record<string, unknown>[]) {
          if (raw[ENTITY_ATTRIBUTE] === JOB_ENTITY) jobs.push(format(raw));
        }
        start = LastEvaluatedKey;
      } while (start && jobs.length < take);
      return jobs.slice(0, take);
    },

    /** How many jobs are in the window, up to {@link MAX_COUNTED_JOBS}. */
    async count(query: JobWindowQuery): Promise<number> {
      const window = keyRange(query);
      if (!window) return 0;
      const { partition, range } = window;
      let total = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const { Count = 0, LastEvaluatedKey } = await table
          .build(QueryCommand)
          .query({ index: INDEXES.byStatus.name, partition, range })
          .options({ select: 'COUNT', ...(start ? { exclusiveStartKey: start } : {}) })
          .send();
        total += Count;
        start = LastEvaluatedKey;
      } while (start && total < MAX_COUNTED_JOBS);
      return Math.min(total, MAX_COUNTED_JOBS);
    },
  };
}

export type JobWindowQueries = ReturnType<typeof createJobWindowQueries>;

function parse<T extends string>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  field: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`${field} is not valid`);
  return result.data;
}
