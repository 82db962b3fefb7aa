import type { QueueName } from '@paperlane/core';
import { compareFailed, failedCursorAfter, failedPageLimit } from './dead-letters';
import type {
  FailedPage,
  ListFailedOptions,
  QueueAdmin,
  QueueStats,
  RedriveOptions,
  RedriveResult,
} from './queue-admin';

/**
 * Two transports' queues as one operator view: BullMQ with the SQS fallback
 * (`JOB_TRANSPORT_FALLBACK=sqs`), where a job sent while Redis was down ran, and may
 * have failed, on SQS. Depths add up, failed lists merge in their common order (one
 * cursor resumes both), and redrive, pause and resume act on both.
 */
export function combineQueueAdmins(primary: QueueAdmin, fallback: QueueAdmin): QueueAdmin {
  const both = <T>(act: (admin: QueueAdmin) => Promise<T>) => Promise.all([act(primary), act(fallback)]);

  return {
    driver: primary.driver,

    async stats(): Promise<QueueStats[]> {
      const [main, other] = await both((admin) => admin.stats());
      const byQueue = new Map(other.map((s) => [s.queue, s]));
      return main.map((s) => {
        const o = byQueue.get(s.queue);
        if (!o) return s;
        return {
          queue: s.queue,
          waiting: s.waiting + o.waiting,
          inFlight: s.inFlight + o.inFlight,
          delayed: s.delayed + o.delayed,
          failed: s.failed + o.failed,
          // Paused means nothing is taken from either; a half-applied pause shows as running.
          paused: s.paused && o.paused,
        };
      });
    },

    async listFailed(queue: QueueName, options: ListFailedOptions): Promise<FailedPage> {
      const limit = failedPageLimit(options.limit);
      const pages = await both((admin) => admin.listFailed(queue, { ...options, limit }));
      const merged = pages.flatMap((p) => p.items).sort(compareFailed);
      const items = merged.slice(0, limit);
      const more = merged.length > limit || pages.some((p) => p.cursor !== undefined);
      const last = items.at(-1);
      return {
        items,
        truncated: pages.some((p) => p.truncated),
        ...(more && last ? { cursor: failedCursorAfter(last) } : {}),
      };
    },

    async redrive(queue: QueueName, options: RedriveOptions = {}): Promise<RedriveResult> {
      const [a, b] = await both((admin) => admin.redrive(queue, options));
      const missingFromB = new Set(b.notFound);
      return {
        redriven: a.redriven + b.redriven,
        discarded: a.discarded + b.discarded,
        skipped: a.skipped + b.skipped,
        // Found on either side is found.
        notFound: a.notFound.filter((id) => missingFromB.has(id)),
      };
    },

    async pause(queue: QueueName): Promise<void> {
      await both((admin) => admin.pause(queue));
    },

    async resume(queue: QueueName): Promise<void> {
      await both((admin) => admin.resume(queue));
    },
  };
}
