import { QUEUE_NAMES, type QueueName, type Topology, TransportUnavailableError } from '@paperlane/core';
import { Queue, type RedisOptions } from 'bullmq';
import type { OutgoingMessage, SendFailure, Transport } from '../../dispatcher/transport';
import { BULLMQ_PRIORITY, bullmqJobId, PAPERLANE_BACKOFF } from './options';

export interface BullmqTransportOptions {
  url: string;
  /** Redis key prefix (BullMQ's `prefix`), to share one Redis between apps or tests. */
  prefix?: string;
  topology: Topology;
  /** Extra ioredis options for the producer connection. */
  redis?: RedisOptions;
  /**
   * How long a send may wait for Redis before it counts as failed (default 3 s):
   * long enough for a reconnect, short enough that an API request falls back
   * instead of hanging while Redis is down.
   */
  sendTimeoutMs?: number;
}

/** Retention of finished BullMQ jobs; the job record keeps the history. */
const KEEP_COMPLETED = { age: 60 * 60, count: 1_000 };
const KEEP_FAILED = { age: 14 * 24 * 60 * 60 };

/**
 * The BullMQ producer. Its connection fails fast (no offline queue) so that the
 * dispatcher falls back at once when Redis is down instead of queueing in memory.
 */
export function createBullmqTransport(
  options: BullmqTransportOptions,
): Transport & { queue(name: QueueName): Queue } {
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: {
          url: options.url,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          ...options.redis,
        },
        ...(options.prefix ? { prefix: options.prefix } : {}),
        skipWaitingForReady: false,
      });
      // Errors surface on add(); an unhandled 'error' event would crash the process.
      q.on('error', () => {});
      queues.set(name, q);
    }
    return q;
  };

  return {
    name: 'bullmq',
    queue,
    async send(messages: readonly OutgoingMessage[]): Promise<SendFailure[]> {
      const byQueue = new Map<QueueName, OutgoingMessage[]>();
      for (const message of messages) {
        const list = byQueue.get(message.envelope.queue) ?? [];
        list.push(message);
        byQueue.set(message.envelope.queue, list);
      }
      const failures: SendFailure[] = [];
      await Promise.all(
        [...byQueue].map(async ([name, list]) => {
          const attempts = options.topology[name].attempts;
          try {
            await withDeadline(options.sendTimeoutMs ?? 3_000, clearFinished(queue(name), list));
            await withDeadline(
              options.sendTimeoutMs ?? 3_000,
              queue(name).addBulk(
                list.map(({ envelope, delayMs }) => ({
                  name,
                  data: envelope,
                  opts: {
                    jobId: bullmqJobId(envelope),
                    ...(BULLMQ_PRIORITY[envelope.priority] > 0
                      ? { priority: BULLMQ_PRIORITY[envelope.priority] }
                      : {}),
                    ...(delayMs > 0 ? { delay: delayMs } : {}),
                    attempts,
                    backoff: { type: PAPERLANE_BACKOFF },
                    removeOnComplete: KEEP_COMPLETED,
                    removeOnFail: KEEP_FAILED,
                  },
                })),
              ),
            );
          } catch (error) {
            for (const { envelope } of list) failures.push({ jobId: envelope.jobId, error });
          }
        }),
      );
      return failures;
    },
    async ping() {
      // A cheap round trip through BullMQ's own connection.
      await withDeadline(options.sendTimeoutMs ?? 3_000, queue('automation').getJobCounts('wait'));
    },
    async close() {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}

/**
 * A re-send is for a record that is still live, so a completed or failed BullMQ entry
 * under the same id is stale (its delivery was acknowledged, or failed on an error the
 * record did not count): while it exists, `add` with that id does nothing. Removing it
 * first lets the re-send through; a waiting, delayed or active entry is kept, so a
 * re-send still dedupes against a live one.
 */
async function clearFinished(queue: Queue, list: readonly OutgoingMessage[]): Promise<void> {
  await Promise.all(
    list
      .filter((message) => message.resend)
      .map(async ({ envelope }) => {
        const id = bullmqJobId(envelope);
        const state = await queue.getJobState(id);
        if (state === 'completed' || state === 'failed') await queue.remove(id);
      }),
  );
}

function withDeadline<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TransportUnavailableError(`Redis did not answer within ${ms} ms`)),
      ms,
    );
  });
  // A late success after the deadline is harmless: the job id dedupes a re-send.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Every queue name, for admin views that list BullMQ queues. */
export const BULLMQ_QUEUE_NAMES: readonly QueueName[] = QUEUE_NAMES;
