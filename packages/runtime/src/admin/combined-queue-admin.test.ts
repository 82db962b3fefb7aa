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
import { combineQueueAdmins } from './combined-queue-admin';

// Two real transports (BullMQ under two prefixes on one redis-server) stand for BullMQ and its
// SQS fallback: the combination only sees the QueueAdmin port, whatever is behind it.
let redis: RedisServer;
let dynamo: DynaliteServer;
let store: Store;
let documentClient: ReturnType<typeof createDocumentClient>;
const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '1' });
const events = createInProcessEventBus();
const runs = new Map<string, number>();
const handlers: JobHandlers = {
  // Refused the first time, done the second: a redriven job completes.
  automation: async (ctx) => {
    const n = (runs.get(ctx.job.jobId) ?? 0) + 1;
    runs.set(ctx.job.jobId, n);
    if (n === 1) throw new PermanentError('first run refused', { code: 'bad_input' });
    return { run: n };
  },
};

beforeAll(async () => {
  [redis, dynamo] = await Promise.all([startRedis(), startDynalite()]);
  documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  const tableName = `combined-admin-${randomUUID().slice(0, 8)}`;
  await ensureTable(documentClient, tableName);
  store = createStore({ documentClient, tableName });
});
afterAll(async () => {
  documentClient?.destroy();
  await Promise.all([redis?.stop(), dynamo?.stop()]);
});

function side() {
  const prefix = `ca${randomUUID().slice(0, 6)}`;
  const common = { topology, clock: systemClock, logger: silentLogger, sweepGraceMs: 60_000 };
  const transport = createBullmqTransport({ url: redis.url, prefix, topology });
  const dispatcher = createDispatcher({ ...common, store: store.jobs, transport });
  const admin = createBullmqQueueAdmin({
    queue: transport.queue,
    queues: ['automation'],
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
  // BullMQ's `failed` event comes once the job is in its failed set (our job:failed comes before).
  const inFailedSet = new Set<string>();
  const wake: Array<() => void> = [];
  worker.worker.on('failed', (job) => {
    if (job?.id) inFailedSet.add(job.id);
    for (const w of wake.splice(0)) w();
  });
  const enqueueFailing = async (count: number) => {
    const jobs = [];
    for (let i = 0; i < count; i++) {
      const { job } = await dispatcher.enqueue('automation', {
        tenantId: 'tenant-c',
        tenantUserId: `u.${i}`,
      });
      jobs.push(job);
    }
    while (!jobs.every((j) => inFailedSet.has(j.jobId))) await new Promise<void>((r) => wake.push(r));
    return jobs;
  };
  return { admin, worker, transport, enqueueFailing };
}

describe('combined queue admin (BullMQ and its fallback as one view)', () => {
  it('adds depths, pages both failed lists in one order, and redrives and pauses both', async () => {
    const main = side();
    const fallback = side();
    const admin = combineQueueAdmins(main.admin, fallback.admin);
    try {
      const failed = [...(await main.enqueueFailing(3)), ...(await fallback.enqueueFailing(2))];
      const ids = failed.map((j) => j.jobId).sort();

      expect(await admin.stats()).toEqual([
        { queue: 'automation', waiting: 0, inFlight: 0, delayed: 0, failed: 5, paused: false },
      ]);

      const seen: string[] = [];
      let cursor: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await admin.listFailed('automation', { limit: 2, ...(cursor ? { cursor } : {}) });
        sizes.push(page.items.length);
        seen.push(...page.items.map((i) => i.jobId ?? ''));
        cursor = page.cursor;
      } while (cursor);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(ids);

      const one = failed[0]?.jobId ?? '';
      const other = failed[4]?.jobId ?? '';
      expect(await admin.redrive('automation', { ids: [one, other, 'job_nope'] })).toEqual({
        redriven: 2,
        discarded: 0,
        skipped: 0,
        notFound: ['job_nope'],
      });
      for (const job of [failed[0], failed[4]]) {
        if (job)
          expect(await waitForJob(store.jobs, events, job, ['complete'])).toMatchObject({
            status: 'complete',
          });
      }
      expect((await admin.stats())[0]?.failed).toBe(3);

      await admin.pause('automation');
      expect((await main.admin.stats())[0]?.paused).toBe(true);
      expect((await fallback.admin.stats())[0]?.paused).toBe(true);
      expect((await admin.stats())[0]?.paused).toBe(true);
      await admin.resume('automation');
      expect((await admin.stats())[0]?.paused).toBe(false);
    } finally {
      for (const s of [main, fallback]) {
        await s.worker.close();
        await s.transport.close();
      }
    }
  });
});
