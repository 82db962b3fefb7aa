import { randomUUID } from 'node:crypto';
import { createInProcessEventBus } from '@paperlane/adapters';
import {
  type JobHandlers,
  type QueueName,
  resolveTopology,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import { startDynalite, startRedis } from '@paperlane/testing';
import { createBullmqTransport } from '../../src/adapter/bullmq/bullmq-transport';
import { createBullmqWorker } from '../../src/adapter/bullmq/bullmq-worker';
import { createBullmqQueueAdmin } from '../../src/admin/bullmq-queue-admin';
import { createDispatcher } from '../../src/dispatcher/dispatcher';

/**
 * Real redis-server + dynalite with Paperlane's table and an in-process event bus:
 * the ground for BullMQ adapter-level tests. Each `consumer()` gets its own queue
 * prefix, so tests sharing one server never see each other's jobs.
 */
export async function startBullmqEnvironment(topologyEnv: Record<string, string> = {}) {
  const [redis, dynamo] = await Promise.all([startRedis(), startDynalite()]);
  const documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  const tableName = `bullmq-${randomUUID().slice(0, 8)}`;
  await ensureTable(documentClient, tableName);
  const store = createStore({ documentClient, tableName });
  const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '2', JOB_RETRY_BACKOFF_MS: '10', ...topologyEnv });
  const events = createInProcessEventBus();
  const common = { topology, clock: systemClock, logger: silentLogger, sweepGraceMs: 60_000 };

  /** A transport, dispatcher and queue admin under a fresh prefix, and a worker on `automation` (not started unless asked). */
  function consumer(handlers: JobHandlers, options: { queues?: QueueName[]; autorun?: boolean } = {}) {
    const prefix = `b${randomUUID().slice(0, 6)}`;
    const transport = createBullmqTransport({ url: redis.url, prefix, topology });
    const dispatcher = createDispatcher({ ...common, store: store.jobs, transport });
    const admin = createBullmqQueueAdmin({
      queue: transport.queue,
      queues: options.queues ?? ['automation'],
      store: store.jobs,
      clock: systemClock,
      sweepGraceMs: 60_000,
    });
    const deps = { ...common, store: store.jobs, events, handlers };
    const startWorker = () => {
      const worker = createBullmqWorker({
        queue: 'automation',
        url: redis.url,
        prefix,
        deps,
        concurrency: 2,
      });
      // BullMQ's `failed` event comes once the job is in its failed set (our job:failed comes before it).
      const failed = new Set<string>();
      const wake: Array<() => void> = [];
      worker.worker.on('failed', (job) => {
        if (job?.id) failed.add(job.id);
        for (const w of wake.splice(0)) w();
      });
      return {
        ...worker,
        async inFailedSet(ids: string[]): Promise<void> {
          while (!ids.every((id) => failed.has(id))) await new Promise<void>((resolve) => wake.push(resolve));
        },
      };
    };
    return { prefix, transport, dispatcher, admin, startWorker };
  }

  return {
    redis,
    store,
    events,
    topology,
    consumer,
    async stop() {
      documentClient.destroy();
      await Promise.all([redis.stop(), dynamo.stop()]);
    },
  };
}

export type BullmqEnvironment = Awaited<ReturnType<typeof startBullmqEnvironment>>;
