import type { QueueWindow, QueueWindowSummary } from '@paperlane/api';
import type { Logger } from '@paperlane/core';
import { QUEUE_NAMES, type QueueName } from '@paperlane/core';
import { createJobWindowReader, type JobWindowReader, listTenants, type Store } from '@paperlane/store';
import { type FinishedTiming, summarizeWindow } from './window-stats';

/** Bounds on one call: tenants visited, finished jobs read per tenant, queue and outcome, parallel reads. */
export const MAX_TENANTS = 1_000;
const MAX_JOBS_PER_PARTITION = 2_000;
const PARALLEL_READS = 8;

/** Runs `tasks` at most `limit` at a time (the store is shared with live traffic). */
async function inBatches(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  for (let i = 0; i < tasks.length; i += limit) await Promise.all(tasks.slice(i, i + limit).map((t) => t()));
}

/**
 * What `/admin/queues/stats` reports from the job records: for each queue, the jobs every
 * tenant finished in the window (counts, throughput, failure rate, p50/p95 run time) and
 * when its longest-waiting pending job became pending. Reads one index range per tenant,
 * queue and status — at most {@link MAX_TENANTS} tenants and 2,000 jobs per range.
 *
 * @example const summaries = await createQueueWindow({ tenants: (limit) => listTenants(store.table, limit), jobs: createJobWindowReader(store.table), logger })({ windowMinutes: 60, now: new Date() });
 */
export function createQueueWindow(deps: {
  /** Tenant ids in id order, at most `limit`; `truncated` when there are more. */
  tenants: (limit: number) => Promise<{ tenantIds: string[]; truncated: boolean }>;
  jobs: JobWindowReader;
  logger: Logger;
}): QueueWindow {
  return async ({ windowMinutes, now }) => {
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    const directory = await deps.tenants(MAX_TENANTS);
    if (directory.truncated)
      deps.logger.warn('queue stats cover the first tenants only', { tenants: MAX_TENANTS });
    const finished = new Map<QueueName, FinishedTiming[]>(QUEUE_NAMES.map((q) => [q, []]));
    const oldest = new Map<QueueName, number>();
    const tasks = directory.tenantIds.flatMap((tenantId) =>
      QUEUE_NAMES.flatMap((queue) => [
        ...(['complete', 'failed'] as const).map((status) => async () => {
          const page = await deps.jobs.finishedSince({
            tenantId,
            queue,
            status,
            since,
            limit: MAX_JOBS_PER_PARTITION,
          });
          finished.get(queue)?.push(...page.jobs);
        }),
        async () => {
          const pendingSince = await deps.jobs.oldestPendingSince({ tenantId, queue });
          if (pendingSince)
            oldest.set(
              queue,
              Math.min(oldest.get(queue) ?? Number.POSITIVE_INFINITY, pendingSince.getTime()),
            );
        },
      ]),
    );
    await inBatches(tasks, PARALLEL_READS);
    return new Map(
      QUEUE_NAMES.map((queue): [QueueName, QueueWindowSummary] => {
        const oldestAt = oldest.get(queue);
        return [
          queue,
          {
            ...summarizeWindow(finished.get(queue) ?? [], windowMinutes),
            ...(oldestAt ? { oldestPendingAt: new Date(oldestAt) } : {}),
          },
        ];
      }),
    );
  };
}

/**
 * {@link createQueueWindow} over a store's table: what `npm start` and the API Lambda
 * (loaded on first use there, see lambda/lazy-queue-window.ts) serve.
 *
 * @example buildApiDeps(container, { queueWindow: recordsQueueWindow(container) })
 */
export function recordsQueueWindow(deps: { store: Pick<Store, 'table'>; logger: Logger }): QueueWindow {
  const { store, logger } = deps;
  return createQueueWindow({
    tenants: (limit) => listTenants(store.table, limit),
    jobs: createJobWindowReader(store.table),
    logger,
  });
}
