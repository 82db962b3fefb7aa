import type { JobStatus, QueueName } from '@paperlane/core';

/**
 * Key builders for the single table. Every id reaching these functions has passed
 * core's `idSchema` (no `#`, no whitespace, bounded), so `#` is a safe separator and
 * one tenant's keys can never be spelled from another tenant's ids.
 */

/** Shards of the sweep index: enough to spread the write load, few enough to query them all. */
export const SWEEP_SHARDS = 8;

/** Prefix shared by every tenant-owned partition key. */
export function tenantPrefix(tenantId: string): string {
  return `T#${tenantId}#`;
}

export function jobKey(tenantId: string, jobId: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}JOB#${jobId}`, sk: 'JOB' };
}

export function documentKey(tenantId: string, documentId: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}DOC#${documentId}`, sk: 'DOC' };
}

export function sessionKey(tenantId: string, sessionId: string): { pk: string; sk: string } {
  return { pk: `${tenantPrefix(tenantId)}SESSION#${sessionId}`, sk: 'SESSION' };
}

/** gsi1: an upload session's jobs and documents share one partition, told apart by sort-key prefix. */
export function bySessionPk(tenantId: string, sessionId: string): string {
  return `${tenantPrefix(tenantId)}SESSION#${sessionId}`;
}

export const SESSION_JOB_PREFIX = 'JOB#';
export const SESSION_DOC_PREFIX = 'DOC#';

export function sessionJobSk(createdAt: string, jobId: string): string {
  return `${SESSION_JOB_PREFIX}${createdAt}#${jobId}`;
}

export function sessionDocumentSk(createdAt: string, documentId: string): string {
  return `${SESSION_DOC_PREFIX}${createdAt}#${documentId}`;
}

/** gsi2: jobs by the document they work on. */
export function byDocumentPk(tenantId: string, documentId: string): string {
  return `${tenantPrefix(tenantId)}DOC#${documentId}`;
}

export function documentJobSk(createdAt: string, jobId: string): string {
  return `${SESSION_JOB_PREFIX}${createdAt}#${jobId}`;
}

/**
 * gsi3: jobs by queue, then status. The status lives in the sort key, not the
 * partition key: a transition knows the job's tenant, id, new status and time but
 * not its queue, and a single conditional write cannot read the queue to build a
 * new partition key. With the queue fixed in the partition key (set at create) each
 * transition rewrites only the sort key, computed from what it knows.
 */
export function byQueuePk(tenantId: string, queue: QueueName): string {
  return `${tenantPrefix(tenantId)}Q#${queue}`;
}

/** Sort keys of one status share this prefix; a `begins_with` selects them. */
export function statusPrefix(status: JobStatus): string {
  return `${status}#`;
}

export function byStatusSk(status: JobStatus, updatedAt: string, jobId: string): string {
  return `${statusPrefix(status)}${updatedAt}#${jobId}`;
}

/**
 * The shard of a job in the sweep index: FNV-1a over the job id, so a job always
 * lands in the same shard and time-ordered ids spread evenly.
 */
export function sweepShard(jobId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < jobId.length; i++) {
    hash ^= jobId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SWEEP_SHARDS;
}

/** gsi4 (sweep index): the only partition key without a tenant; see README.md. */
export function sweepPk(shard: number): string {
  return `SWEEP#${shard}`;
}

/** ISO timestamps first, so a `< now` range on the sort key selects what is due. */
export function sweepSk(sweepAt: string, tenantId: string, jobId: string): string {
  return `${sweepAt}#${tenantId}#${jobId}`;
}

/** The sweep index attributes of a live job. */
export function sweepKeys(
  sweepAt: string,
  tenantId: string,
  jobId: string,
): { gsi4pk: string; gsi4sk: string } {
  return { gsi4pk: sweepPk(sweepShard(jobId)), gsi4sk: sweepSk(sweepAt, tenantId, jobId) };
}

/**
 * gsi3 tenant-wide lists of documents and upload sessions, newest first by creation.
 * Their partitions (`…#DOCS`, `…#SESSIONS`) cannot meet the job (`…#Q#<queue>`),
 * webhook, mailbox or automation partitions of the same index. Items written before
 * these keys existed carry no gsi3 keys and are simply not listed.
 */
export function documentsPk(tenantId: string): string {
  return `${tenantPrefix(tenantId)}DOCS`;
}

export const DOCUMENT_LIST_PREFIX = 'DOC#';

export function documentListSk(createdAt: string, documentId: string): string {
  return `${DOCUMENT_LIST_PREFIX}${createdAt}#${documentId}`;
}

export function sessionsPk(tenantId: string): string {
  return `${tenantPrefix(tenantId)}SESSIONS`;
}

export const SESSION_LIST_PREFIX = 'SESSION#';

export function sessionListSk(createdAt: string, sessionId: string): string {
  return `${SESSION_LIST_PREFIX}${createdAt}#${sessionId}`;
}
