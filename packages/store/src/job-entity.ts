import { JOB_STATUSES, type JobRecord, PRIORITIES, QUEUE_NAMES } from '@paperlane/core';
import { any, Entity, EntityFormatter, type FormattedItem, item, number, string } from 'dynamodb-toolbox';
import {
  byDocumentPk,
  byQueuePk,
  bySessionPk,
  byStatusSk,
  documentJobSk,
  jobKey,
  sessionJobSk,
  sweepKeys,
} from './keys';
import type { PaperlaneTable } from './table';

export const JOB_ENTITY = 'Job';

/**
 * The Job item: core's `JobRecord` plus the index key attributes, which are hidden
 * so they never reach a formatted record.
 */
export function createJobEntity(table: PaperlaneTable) {
  return new Entity({
    name: JOB_ENTITY,
    table,
    // The store owns createdAt/updatedAt: it never reads the clock itself.
    timestamps: false,
    schema: item({
      tenantId: string().key(),
      jobId: string().key(),
      queue: string().enum(...QUEUE_NAMES),
      targetType: string(),
      targetId: string(),
      documentId: string().optional(),
      sessionId: string().optional(),
      status: string().enum(...JOB_STATUSES),
      progress: number(),
      attempts: number(),
      maxAttempts: number(),
      priority: string().enum(...PRIORITIES),
      payload: any().castAs<Record<string, unknown>>(),
      traceId: string(),
      dedupeKey: string().optional(),
      generation: number(),
      lastError: string().optional(),
      errorCode: string().optional(),
      result: any().castAs<Record<string, unknown>>().optional(),
      createdAt: string(),
      updatedAt: string(),
      availableAt: string(),
      startedAt: string().optional(),
      finishedAt: string().optional(),
      leaseUntil: string().optional(),
      settleAt: string().optional(),
      settleTries: number().optional(),
      // When the job may next be claimed: availableAt while pending, the lease end while
      // processing, absent once terminal. Claims test this one attribute (cheap everywhere,
      // and far faster on dynalite than the equivalent OR of two clauses).
      readyAt: string().optional().hidden(),
      gsi1pk: string().optional().hidden(),
      gsi1sk: string().optional().hidden(),
      gsi2pk: string().optional().hidden(),
      gsi2sk: string().optional().hidden(),
      gsi3pk: string().hidden(),
      gsi3sk: string().hidden(),
      gsi4pk: string().optional().hidden(),
      gsi4sk: string().optional().hidden(),
    }),
    computeKey: ({ tenantId, jobId }) => jobKey(tenantId, jobId),
  });
}

export type JobEntity = ReturnType<typeof createJobEntity>;
export type JobItem = FormattedItem<JobEntity>;

/** A formatted Job item is a `JobRecord`: key and index attributes are hidden by the schema. */
export function toJobRecord(item: JobItem): JobRecord {
  return item;
}

/** Formats a raw (saved) item, e.g. from a GSI query, into a `JobRecord`. */
export function jobFormatter(entity: JobEntity): (raw: Record<string, unknown>) => JobRecord {
  const formatter = entity.build(EntityFormatter);
  return (raw) => toJobRecord(formatter.format(raw));
}

/** Index attributes of a freshly created job (the sweep keys come from `sweepAt`). */
export function newJobIndexKeys(record: JobRecord, sweepAt: string) {
  const { tenantId, jobId, createdAt } = record;
  return {
    ...(record.sessionId
      ? { gsi1pk: bySessionPk(tenantId, record.sessionId), gsi1sk: sessionJobSk(createdAt, jobId) }
      : {}),
    ...(record.documentId
      ? { gsi2pk: byDocumentPk(tenantId, record.documentId), gsi2sk: documentJobSk(createdAt, jobId) }
      : {}),
    gsi3pk: byQueuePk(tenantId, record.queue),
    gsi3sk: byStatusSk(record.status, record.updatedAt, jobId),
    readyAt: record.availableAt,
    ...sweepKeys(sweepAt, tenantId, jobId),
  };
}
