import { randomUUID } from 'node:crypto';
import { createInProcessEventBus } from '@paperlane/adapters';
import {
  type JobHandlers,
  PermanentError,
  resolveTopology,
  silentLogger,
  systemClock,
} from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable, type Store } from '@paperlane/store';
import { type DynaliteServer, type RedisServer, startDynalite, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../test/conformance/wait-for-job';
import { createBullmqTransport } from '../adapter/bullmq/bullmq-transport';
import { createBullmqWorker } from '../adapter/bullmq/bullmq-worker';
import { createDispatcher } from '../dispatcher/dispatcher';
import { createBullmqQueueAdmin } from './bullmq-queue-admin';

let redis: RedisServer;
let dynamo: DynaliteServer;
let store: Store;
let documentClient: ReturnType<typeof createDocumentClient>;
const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '2', JOB_RETRY_BACKOFF_MS: '10' });

beforeAll(async () => {
  [redis, dynamo] = await Promise.all([startRedis(), startDynalite()]);
  documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  const tableName = `bull-admin-${randomUUID().slice(0, 8)}`;
  await ensureTable(documentClient, tableName);
  store = createStore({ documentClient, tableName });
});
afterAll(async () => {
  documentClient?.destroy();
  await Promise.all([redis?.stop(), dynamo?.stop()]);
});

function setup() {
  const prefix = `ba${randomUUID().slice(0, 6)}`;
  const events = createInProcessEventBus();
  const runs = new Map<string, number>();
  const handlers: JobHandlers = {
    automation: async (ctx) => {
      const n = (runs.get(ctx.job.jobId) ?? 0) + 1;
      runs.set(ctx.job.jobId, n);
      if (ctx.payload.tenantUserId.startsWith('once.') && n === 1)
        throw new PermanentError('upstream rejected the input', { code: 'bad_input' });
      // A retryable error after a redrive: BullMQ's attempt counter must have been reset for it to retry.
      if (ctx.payload.tenantUserId.startsWith('twice.') && n <= 2) {
        if (n === 1) throw new PermanentError('first run refused', { code: 'bad_input' });
        throw new Error('transient after redrive');
      }
      return { run: n };
    },
  };
  const common = { topology, clock: systemClock, logger: silentLogger, sweepGraceMs: 60_000 };
  const transport = createBullmqTransport({ url: redis.url, prefix, topology });
  const dispatcher = createDispatcher({ ...common, store: store.jobs, transport });
  const admin = createBullmqQueueAdmin({
    queue: transport.queue,
    queues: ['automation', 'thumbnail'],
    store: store.jobs,
    clock: systemClock,
    sweepGraceMs: 60_000,
  });
  const worker = createBullmqWorker({
    queue: 'automation',
    url: redis.url,
    prefix,
    deps: { ...common, store: store.jobs, events, handlers },
    concurrency: 2,
  });
  return { events, runs, transport, dispatcher, admin, worker };
}

/** Resolves once BullMQ has moved each id to its failed set (the worker's `failed` event comes after the move). */
function failedSet(worker: ReturnType<typeof createBullmqWorker>) {
  const failed = new Set<string>();
  const waiters: Array<() => void> = [];
  worker.worker.on('failed', (job) => {
    if (job?.id) failed.add(job.id);
    for (const wake of waiters.splice(0)) wake();
  });
  return async (ids: string[]) => {
    while (!ids.every((id) => failed.has(id))) await new Promise<void>((resolve) => waiters.push(resolve));
  };
}

describe('BullMQ queue admin (redis + dynalite)', () => {
  it('counts, lists and redrives failed-set jobs through the real worker', async () => {
    const { events, runs, transport, dispatcher, admin, worker } = setup();
    const inFailedSet = failedSet(worker);
    try {
      const mine = await dispatcher.enqueue('automation', { tenantId: 'tenant-a', tenantUserId: 'twice.1' });
      const other = await dispatcher.enqueue('automation', { tenantId: 'tenant-b', tenantUserId: 'once.2' });
      await inFailedSet([mine.job.jobId, other.job.jobId]);

      const stats = await admin.stats();
      expect(stats.map((s) => s.queue)).toEqual(['automation', 'thumbnail']);
      expect(stats[0]).toMatchObject({ queue: 'automation', failed: 2, waiting: 0, paused: false });

      const page = await admin.listFailed('automation', { limit: 10, tenantId: 'tenant-a' });
      expect(page.items).toEqual([
        expect.objectContaining({
          jobId: mine.job.jobId,
          entryId: mine.job.jobId,
          status: 'failed',
          attempts: 1,
          errorCode: 'bad_input',
          error: 'PermanentError: first run refused',
          deadLetterCode: 'bad_input',
        }),
      ]);
      expect(page.items[0]?.deadLetterReason).toContain('first run refused');

      const result = await admin.redrive('automation', { ids: [mine.job.jobId], tenantId: 'tenant-a' });
      expect(result).toEqual({ redriven: 1, discarded: 0, skipped: 0, notFound: [] });
      // Run 2 throws a retryable error, run 3 completes: BullMQ retried after the redrive.
      const done = await waitForJob(store.jobs, events, mine.job, ['complete']);
      expect(done).toMatchObject({ attempts: 2, generation: 1, result: { run: 3 } });
      expect(runs.get(mine.job.jobId)).toBe(3);

      const left = await admin.listFailed('automation', { limit: 10 });
      expect(left.items.map((i) => i.jobId)).toEqual([other.job.jobId]);
      expect(await admin.redrive('automation', { ids: [other.job.jobId], tenantId: 'tenant-a' })).toEqual({
        redriven: 0,
        discarded: 0,
        skipped: 0,
        notFound: [other.job.jobId],
      });
      expect(await admin.redrive('automation')).toMatchObject({ redriven: 1 });
      await waitForJob(store.jobs, events, other.job, ['complete']);
      expect((await admin.stats())[0]?.failed).toBe(0);
    } finally {
      await worker.close();
      await transport.close();
    }
  });

  it('pause stops the worker taking jobs until resume', async () => {
    const { events, transport, dispatcher, admin, worker } = setup();
    try {
      await admin.pause('automation');
      const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-z', tenantUserId: 'u.1' });
      const stats = (await admin.stats())[0];
      expect(stats).toMatchObject({ queue: 'automation', paused: true, waiting: 1, inFlight: 0 });
      expect(await store.jobs.get(job)).toMatchObject({ status: 'pending', attempts: 0 });
      await admin.resume('automation');
      expect((await admin.stats())[0]?.paused).toBe(false);
      await waitForJob(store.jobs, events, job, ['complete']);
    } finally {
      await worker.close();
      await transport.close();
    }
  });
});
