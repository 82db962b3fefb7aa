import { backoffDelayMs, describeError, type QueueName } from '@paperlane/core';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Outcome } from '../../processor/outcome';
import type { ProcessorDeps } from '../../processor/process-delivery';
import { createProcessor } from '../../processor/process-delivery';
import { PAPERLANE_BACKOFF, workerLockSettings } from './options';

export interface BullmqWorkerOptions {
  queue: QueueName;
  url: string;
  prefix?: string;
  deps: Omit<ProcessorDeps, 'leaseMs'>;
  /** Defaults to the queue's topology. */
  concurrency?: number;
  /** BullMQ lock length; also the job claim's lease. */
  lockDurationMs?: number;
  /** Start consuming at once (default true). */
  autorun?: boolean;
}

/** Delays of a job handed back after an infrastructure error: soon, then spaced out. */
const INFRA_BACKOFF = { baseMs: 1_000, maxMs: 30_000 };

/** Carries the processor's chosen delay to the backoff strategy. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/**
 * A BullMQ worker running the same processor as the SQS consumers. It maps the
 * processor's outcome onto BullMQ: retry → a thrown error whose delay the backoff
 * strategy returns; defer → moveToDelayed (not an attempt); dead →
 * UnrecoverableError, which lands the job in the failed set (our DLQ). A processor
 * that throws (store unreachable) is a defer too: BullMQ attempts are spent only on
 * the job's own failures, which the record has already counted.
 */
export function createBullmqWorker(options: BullmqWorkerOptions) {
  const topology = options.deps.topology[options.queue];
  const lock = workerLockSettings(topology, { lockDurationMs: options.lockDurationMs });
  const shutdown = new AbortController();
  const processor = createProcessor({ ...options.deps, leaseMs: lock.lockDuration });

  const worker = new Worker(
    options.queue,
    async (job: Job, token?: string) => {
      let outcome: Outcome;
      try {
        outcome = await processor.process({
          queue: options.queue,
          body: job.data,
          messageId: job.id,
          signal: shutdown.signal,
        });
      } catch (error) {
        // The store (or the event bus) failed, not the job: hand the message back without
        // spending a BullMQ attempt, or an outage would move live jobs to the failed set.
        // The record counts attempts; its claim, if any, lapses on its own.
        const returns = Math.max(1, (job.attemptsStarted ?? 1) - job.attemptsMade);
        const delayMs = backoffDelayMs(returns, INFRA_BACKOFF);
        options.deps.logger.warn('processing error; job will return', {
          jobId: job.id,
          delayMs,
          error: describeError(error),
        });
        outcome = { kind: 'defer', reason: 'not-yet', delayMs };
      }
      switch (outcome.kind) {
        case 'ack':
          return { outcome: outcome.reason };
        case 'retry':
          throw new RetryLater(outcome.error, outcome.delayMs);
        case 'defer':
          await job.moveToDelayed(Date.now() + Math.max(0, outcome.delayMs), token);
          throw new DelayedError();
        case 'dead':
          throw new UnrecoverableError(`${outcome.code}: ${outcome.reason}`);
      }
    },
    {
      connection: { url: options.url, maxRetriesPerRequest: null },
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: options.concurrency ?? topology.concurrency,
      autorun: options.autorun ?? true,
      ...lock,
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string, error?: Error) => {
          if (type === PAPERLANE_BACKOFF && error instanceof RetryLater) return error.delayMs;
          return backoffDelayMs(attemptsMade, topology.backoff);
        },
      },
    },
  );
  worker.on('error', (error) => options.deps.logger.warn('bullmq worker error', { error: error.message }));

  return {
    worker,
    /**
     * Stops taking jobs and waits for running ones; `force` aborts them (they are
     * retried later). With Redis unreachable a graceful close would wait for it
     * forever (its commands queue until a reconnect), so it is forced: running jobs
     * could not record their outcome anyway, and their leases bring them back.
     */
    async close(force = false) {
      const reachable = (await worker.getBackend().client.catch(() => undefined))?.status === 'ready';
      if (force || !reachable) shutdown.abort(new Error('worker shutting down'));
      await worker.close(force || !reachable);
    },
  };
}

export type BullmqWorker = ReturnType<typeof createBullmqWorker>;
