import type { Logger } from '@paperlane/core';
import { Queue, Worker } from 'bullmq';
import type { Stoppable } from '../container';

/** The BullMQ queue that carries one ticker's ticks (not a job queue of the catalog). */
export function tickQueueName(name: string): string {
  return `paperlane-tick-${name}`;
}

export interface BullmqTickerOptions {
  url: string;
  everyMs: number;
  logger: Logger;
  /** Redis key prefix (BullMQ's `prefix`), to share one Redis between apps or tests. */
  prefix?: string;
}

/**
 * Runs `tick` once per period across every process on the same Redis, where a
 * wall-clock timer would run it once per process: a BullMQ job scheduler (upserted
 * by id, so each process re-declaring it changes nothing) makes one job per period,
 * and exactly one process's worker takes it. Ticks run one at a time. Stopping
 * leaves the scheduler in Redis for the processes still running; a period with no
 * process left just waits for the next one that starts.
 *
 * @example
 * const ticker = await startBullmqTicker('automation-tick', () => runAutomationTick(deps), { url, everyMs: 60_000, logger });
 * await ticker.stop();
 */
export async function startBullmqTicker(
  name: string,
  tick: (scheduledAt: Date) => Promise<unknown>,
  options: BullmqTickerOptions,
): Promise<Stoppable> {
  const connection = { url: options.url, maxRetriesPerRequest: null };
  const common = { connection, ...(options.prefix ? { prefix: options.prefix } : {}) };
  const queueName = tickQueueName(name);
  const queue = new Queue(queueName, common);
  queue.on('error', (error) => options.logger.warn(`${name} scheduler: ${error.message}`));
  await queue.upsertJobScheduler(
    name,
    { every: options.everyMs },
    // Finished ticks are history nobody reads; a few failed ones stay for debugging.
    { name, opts: { removeOnComplete: true, removeOnFail: 50 } },
  );
  const worker = new Worker(
    queueName,
    // The period this job stands for (the scheduler's slot), not when a worker got to it.
    (job) => tick(new Date(job.opts.prevMillis ?? job.timestamp)),
    { ...common, concurrency: 1 },
  );
  worker.on('error', (error) => options.logger.warn(`${name} worker: ${error.message}`));
  worker.on('failed', (_job, error) => options.logger.error(`${name} failed`, { error: error.message }));
  return {
    async stop() {
      await worker.close();
      await queue.close();
    },
  };
}
