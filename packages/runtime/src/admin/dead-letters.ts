import {
  type Clock,
  decodeEnvelope,
  type JobRecord,
  type JobStore,
  type QueueName,
  ValidationError,
} from '@paperlane/core';
import type { FailedJob, FailedPage, ListFailedOptions, RedriveOptions, RedriveResult } from './queue-admin';

/** Entries read from a DLQ per call: SQS cannot page a queue, so listing and redrive scan it whole, up to this. */
export const MAX_DEAD_LETTER_SCAN = 1000;

/** One entry of a dead-letter queue as a transport reads it; `handle` is what the transport needs to act on it. */
export interface DeadLetterEntry<H> {
  entryId: string;
  /** The message body (a JSON string on SQS, the envelope object on BullMQ). */
  body: unknown;
  reason?: string;
  code?: string;
  failedAt?: string;
  handle: H;
}

/** What a transport provides for the shared listing and redrive logic. */
export interface DeadLetterSource<H> {
  /** Reads up to `max` entries; on SQS they stay hidden from other readers until `release`. */
  scan(queue: QueueName, max: number): Promise<{ entries: DeadLetterEntry<H>[]; truncated: boolean }>;
  /** Puts the job back on its queue (its record is already pending) and removes the entry. */
  redrive(queue: QueueName, entry: DeadLetterEntry<H>, job: JobRecord): Promise<void>;
  /** Removes an entry whose job has moved on. */
  discard(queue: QueueName, entry: DeadLetterEntry<H>): Promise<void>;
  /** Ends a scan: entries not redriven or discarded become visible again. */
  release(queue: QueueName, entries: readonly DeadLetterEntry<H>[]): Promise<void>;
}

export interface DeadLetterDeps {
  store: JobStore;
  clock: Clock;
  /** Sweep time of a requeued record: if its message is lost, the sweeper sends it after this. */
  sweepGraceMs: number;
}

/** The job an entry is about, from its body; hostile bodies give nothing. */
export function identifyEntry(body: unknown): { jobId?: string; tenantId?: string } {
  const decoded = decodeEnvelope(body);
  if (decoded.ok) return { jobId: decoded.envelope.jobId, tenantId: decoded.envelope.tenantId };
  if (!('jobId' in decoded)) return {};
  return { jobId: decoded.jobId, tenantId: decoded.tenantId };
}

/** Statuses whose DLQ entry still means something: anything else was retried by hand or finished. */
const DEAD_STATUSES = new Set(['failed', 'cancelled']);

function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  let key: unknown;
  try {
    key = (JSON.parse(Buffer.from(cursor.slice(0, 1024), 'base64url').toString('utf8')) as { k?: unknown })
      ?.k;
  } catch {
    key = undefined;
  }
  if (typeof key !== 'string' || key.length === 0 || key.length > 400)
    throw new ValidationError('cursor is not valid', { code: 'invalid_cursor' });
  return key;
}

/** Job ids are time-ordered, so pages come oldest job first; entries without a job come last. */
function sortKey(item: FailedJob): string {
  return `${item.jobId ?? '~'}|${item.entryId}`;
}

/** A page of failed jobs holds 1 to 100 entries. */
export function failedPageLimit(limit: number): number {
  return Math.max(1, Math.min(100, Math.trunc(limit)));
}

/** The order of every failed list, so pages from several sources merge into one order. */
export function compareFailed(a: FailedJob, b: FailedJob): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The cursor of a page that ends at `last`: any source's list resumes after it. */
export function failedCursorAfter(last: FailedJob): string {
  return encodeCursor(sortKey(last));
}

/**
 * One page of dead-lettered jobs: scans the DLQ, keeps the tenant's entries whose
 * record is still failed (or that have no record), joins each with its record.
 */
export async function listDeadLetters<H>(
  queue: QueueName,
  source: DeadLetterSource<H>,
  deps: Pick<DeadLetterDeps, 'store'>,
  options: ListFailedOptions,
): Promise<FailedPage> {
  const limit = failedPageLimit(options.limit);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const { entries, truncated } = await source.scan(queue, MAX_DEAD_LETTER_SCAN);
  try {
    const identified = entries
      .map((entry) => ({ entry, ...identifyEntry(entry.body) }))
      .filter((e) => options.tenantId === undefined || e.tenantId === options.tenantId);
    const byTenant = new Map<string, string[]>();
    for (const { jobId, tenantId } of identified) {
      if (jobId && tenantId) byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), jobId]);
    }
    const records = new Map<string, JobRecord>();
    for (const [tenantId, ids] of byTenant) {
      for (const job of await deps.store.getMany(tenantId, ids)) records.set(`${tenantId}/${job.jobId}`, job);
    }
    const items = identified
      .map(({ entry, jobId, tenantId }): FailedJob => {
        const job = jobId && tenantId ? records.get(`${tenantId}/${jobId}`) : undefined;
        return {
          entryId: entry.entryId,
          queue,
          ...(jobId ? { jobId } : {}),
          ...(tenantId ? { tenantId } : {}),
          ...(job
            ? {
                status: job.status,
                attempts: job.attempts,
                maxAttempts: job.maxAttempts,
                ...(job.lastError ? { error: job.lastError } : {}),
                ...(job.errorCode ? { errorCode: job.errorCode } : {}),
              }
            : {}),
          ...(entry.reason ? { deadLetterReason: entry.reason } : {}),
          ...(entry.code ? { deadLetterCode: entry.code } : {}),
          ...(entry.failedAt ? { failedAt: entry.failedAt } : {}),
        };
      })
      .filter((item) => item.status === undefined || DEAD_STATUSES.has(item.status))
      .sort(compareFailed);
    const start = after === undefined ? 0 : items.findIndex((item) => sortKey(item) > after);
    const page = start < 0 ? [] : items.slice(start, start + limit);
    const last = page.at(-1);
    const more = start >= 0 && start + limit < items.length;
    return { items: page, truncated, ...(more && last ? { cursor: failedCursorAfter(last) } : {}) };
  } finally {
    await source.release(queue, entries);
  }
}

/**
 * Redrives dead-lettered jobs: for each selected entry the record goes failed →
 * pending with a fresh attempt budget (the same `requeue` the API's retry uses), then
 * the transport puts the job back on its queue and drops the entry. An entry whose
 * record has moved on is dropped; one without a record stays.
 */
export async function redriveDeadLetters<H>(
  queue: QueueName,
  source: DeadLetterSource<H>,
  deps: DeadLetterDeps,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const result: RedriveResult = { redriven: 0, discarded: 0, skipped: 0, notFound: [] };
  const { entries } = await source.scan(queue, MAX_DEAD_LETTER_SCAN);
  const seen = new Set<string>();
  const settled = new Set<DeadLetterEntry<H>>();
  try {
    const selected = entries
      .map((entry) => ({ entry, ...identifyEntry(entry.body) }))
      .filter((e) => options.tenantId === undefined || e.tenantId === options.tenantId)
      .filter((e) => wanted === undefined || (e.jobId !== undefined && wanted.has(e.jobId)));
    for (const { entry, jobId, tenantId } of selected) {
      if (jobId) seen.add(jobId);
      if (!jobId || !tenantId) {
        result.skipped++;
        continue;
      }
      const now = deps.clock.now();
      const job = await deps.store.requeue({
        tenantId,
        jobId,
        now,
        sweepAt: new Date(now.getTime() + deps.sweepGraceMs),
      });
      if (job) {
        await source.redrive(queue, entry, job);
        settled.add(entry);
        result.redriven++;
        continue;
      }
      if (await deps.store.get({ tenantId, jobId })) {
        await source.discard(queue, entry);
        settled.add(entry);
        result.discarded++;
      } else {
        result.skipped++;
      }
    }
  } finally {
    await source.release(
      queue,
      entries.filter((entry) => !settled.has(entry)),
    );
  }
  if (wanted) result.notFound = [...wanted].filter((id) => !seen.has(id));
  return result;
}
