import { type QueueName, TransportUnavailableError } from '@paperlane/core';
import type { Job, Queue } from 'bullmq';
import {
  type DeadLetterDeps,
  type DeadLetterEntry,
  type DeadLetterSource,
  listDeadLetters,
  redriveDeadLetters,
} from './dead-letters';
import type { QueueAdmin, QueueStats } from './queue-admin';

export type { Queue as BullmqQueue } from 'bullmq';

export interface BullmqQueueAdminOptions extends DeadLetterDeps {
  /** The producer's queues (`createBullmqTransport(...).queue`). */
  queue: (name: QueueName) => Queue;
  /** The queues shown (default: every queue). */
  queues: readonly QueueName[];
}

/** The worker fails dead jobs with `UnrecoverableError("<code>: <reason>")`. */
function splitReason(failedReason: string | undefined): { code?: string; reason?: string } {
  if (!failedReason) return {};
  const match = /^([a-z][a-z0-9_]{0,63}): ([\s\S]*)$/.exec(failedReason);
  return match ? { code: match[1], reason: match[2] } : { reason: failedReason };
}

/**
 * `QueueAdmin` over BullMQ: counts from `getJobCounts`, the failed set as the DLQ,
 * redrive = requeue the record, then `job.retry()` with BullMQ's attempt counters
 * reset (the record counts attempts; a stale `attemptsMade` would fail the retry's
 * first error at once). Pause is BullMQ's own, global to every worker.
 */
export function createBullmqQueueAdmin(options: BullmqQueueAdminOptions): QueueAdmin {
  const known = new Set(options.queues);
  const queueOf = (name: QueueName): Queue => {
    if (!known.has(name)) throw new Error(`queue ${name} is not administered here`);
    return options.queue(name);
  };

  const source: DeadLetterSource<Job> = {
    async scan(name, max) {
      const queue = queueOf(name);
      const [jobs, total] = await Promise.all([queue.getFailed(0, max - 1), queue.getFailedCount()]);
      const entries = jobs
        .filter((job): job is Job => Boolean(job?.id))
        .map((job): DeadLetterEntry<Job> => {
          const { code, reason } = splitReason(job.failedReason);
          return {
            entryId: String(job.id),
            body: job.data,
            ...(code ? { code } : {}),
            ...(reason ? { reason } : {}),
            ...(job.finishedOn ? { failedAt: new Date(job.finishedOn).toISOString() } : {}),
            handle: job,
          };
        });
      return { entries, truncated: total > max };
    },
    async redrive(_name, entry) {
      await entry.handle.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    },
    async discard(_name, entry) {
      await entry.handle.remove();
    },
    async release() {},
  };

  return {
    driver: 'bullmq',
    async stats() {
      try {
        return await Promise.all(
          options.queues.map(async (name): Promise<QueueStats> => {
            const queue = queueOf(name);
            const [counts, paused] = await Promise.all([
              queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
              queue.isPaused(),
            ]);
            const n = (key: string) => counts[key] ?? 0;
            return {
              queue: name,
              waiting: n('wait') + n('prioritized'),
              inFlight: n('active'),
              delayed: n('delayed'),
              failed: n('failed'),
              paused,
            };
          }),
        );
      } catch (error) {
        throw new TransportUnavailableError('Redis did not answer', { cause: error });
      }
    },
    listFailed: (name, list) => listDeadLetters(name, source, options, list),
    redrive: (name, redrive) => redriveDeadLetters(name, source, options, redrive),
    pause: (name) => queueOf(name).pause(),
    resume: (name) => queueOf(name).resume(),
  };
}
