import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInProcessEventBus } from '@paperlane/adapters';
import { type JobHandlers, resolveTopology, silentLogger, systemClock } from '@paperlane/core';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import { startDynalite, startRedis } from '@paperlane/testing';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../../test/conformance/wait-for-job';
import { type BullmqEnvironment, startBullmqEnvironment } from '../../../test/support/bullmq-environment';
import { startTcpProxy } from '../../../test/support/tcp-proxy';
import { createDispatcher } from '../../dispatcher/dispatcher';
import { startSweeper, sweepOnce } from '../../dispatcher/sweeper';
import { createBullmqTransport } from './bullmq-transport';
import { createBullmqWorker } from './bullmq-worker';

describe('BullMQ through a store outage', () => {
  it('completes every job once when the store goes away mid-run and comes back; none failed, none in the failed set', async () => {
    const [redis, dynamo] = await Promise.all([startRedis(), startDynalite()]);
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(dynamo.endpoint).port) });
    const documentClient = createDocumentClient({ endpoint: proxy.endpoint });
    const tableName = `outage-${randomUUID().slice(0, 8)}`;
    await ensureTable(documentClient, tableName);
    const store = createStore({ documentClient, tableName });
    const topology = resolveTopology({ JOB_RETRY_ATTEMPTS: '2', JOB_RETRY_BACKOFF_MS: '10' });
    const prefix = `o${randomUUID().slice(0, 6)}`;
    const transport = createBullmqTransport({ url: redis.url, prefix, topology });
    const common = { topology, clock: systemClock, logger: silentLogger, sweepGraceMs: 2_000 };
    const dispatcher = createDispatcher({ ...common, store: store.jobs, transport });
    const events = createInProcessEventBus();
    const runs = new Map<string, number>();
    let completed = 0;
    const completions: Array<() => void> = [];
    events.subscribe((event) => {
      if (event.type !== 'job:complete') return;
      completed++;
      for (const wake of completions.splice(0)) wake();
    });
    const handlers: JobHandlers = {
      automation: async (ctx) => {
        runs.set(ctx.job.jobId, (runs.get(ctx.job.jobId) ?? 0) + 1);
        await sleep(20); // keeps a few jobs in flight when the store goes away
        return { ok: true };
      },
    };
    const worker = createBullmqWorker({
      queue: 'automation',
      url: redis.url,
      prefix,
      deps: { ...common, store: store.jobs, events, handlers },
      concurrency: 4,
    });
    // The sweeper would bring a job back out of the failed set; none may land there at all.
    const landedInFailedSet: string[] = [];
    worker.worker.on('failed', (job) => landedInFailedSet.push(String(job?.id)));
    const sweeper = startSweeper({ ...common, store: store.jobs, dispatcher, events, intervalMs: 250 });
    try {
      const results = await dispatcher.enqueueMany(
        Array.from({ length: 60 }, (_, i) => ({
          queue: 'automation' as const,
          payload: { tenantId: 'tenant-o', tenantUserId: `u-${i}` },
        })),
      );
      while (completed < 15) await new Promise<void>((resolve) => completions.push(resolve));
      proxy.down();
      // Wait until consumers and the sweeper have hit the outage many times, then restore the store.
      await proxy.refused(40);
      proxy.up();

      const ids = results.map((r) => r.job.jobId);
      const finished = await Promise.all(
        ids.map((jobId) =>
          waitForJob(store.jobs, events, { tenantId: 'tenant-o', jobId }, ['complete', 'failed'], 30_000),
        ),
      );
      expect(finished.filter((job) => job.status !== 'complete')).toEqual([]);
      expect(ids.filter((id) => runs.get(id) !== 1)).toEqual([]);
      expect(await transport.queue('automation').getFailedCount()).toBe(0);
      expect(landedInFailedSet).toEqual([]);
    } finally {
      await sweeper.stop();
      await worker.close(true);
      await transport.close();
      await proxy.stop();
      documentClient.destroy();
      await Promise.all([redis.stop(), dynamo.stop()]);
    }
  }, 90_000);
});

describe('a BullMQ re-send', () => {
  let env: BullmqEnvironment;
  beforeAll(async () => {
    env = await startBullmqEnvironment();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('gets through a stale failed or completed entry under the same id, and still dedupes a live one', async () => {
    const runs = new Map<string, number>();
    const { prefix, transport, dispatcher, startWorker } = env.consumer({
      automation: async (ctx) => {
        runs.set(ctx.job.jobId, (runs.get(ctx.job.jobId) ?? 0) + 1);
        return { ok: true };
      },
    });
    const failedOne = await dispatcher.enqueue('automation', { tenantId: 'tenant-r', tenantUserId: 'u-f' });
    const completedOne = await dispatcher.enqueue('automation', {
      tenantId: 'tenant-r',
      tenantUserId: 'u-c',
    });
    // Another consumer left both BullMQ entries finished without touching the records
    // (the way store errors once spent BullMQ's attempts): the records are still pending.
    const finishedIds = new Set<string>();
    let wake: (() => void) | undefined;
    const stale = new Worker(
      'automation',
      async (job) => {
        if (job.id === failedOne.job.jobId) throw new UnrecoverableError('store unreachable');
        return 'acknowledged';
      },
      { connection: { url: env.redis.url, maxRetriesPerRequest: null }, prefix },
    );
    const settle = (id: string | undefined) => {
      if (id) finishedIds.add(id);
      wake?.();
    };
    stale.on('failed', (job) => settle(job?.id));
    stale.on('completed', (job) => settle(job.id));
    while (finishedIds.size < 2) await new Promise<void>((resolve) => (wake = resolve));
    await stale.close();
    const queue = transport.queue('automation');
    expect(await queue.getJobState(failedOne.job.jobId)).toBe('failed');
    expect(await queue.getJobState(completedOne.job.jobId)).toBe('completed');

    const sweepDeps = {
      store: env.store.jobs,
      dispatcher,
      events: env.events,
      logger: silentLogger,
      sweepGraceMs: 60_000,
      clock: { now: () => new Date(Date.now() + 61_000) },
    };
    expect((await sweepOnce(sweepDeps)).resent).toBeGreaterThanOrEqual(2);
    expect(await queue.getJobState(failedOne.job.jobId)).toBe('waiting');
    expect(await queue.getJobState(completedOne.job.jobId)).toBe('waiting');
    // A second re-send while they wait adds nothing: the live entries dedupe it.
    await sweepOnce({ ...sweepDeps, clock: { now: () => new Date(Date.now() + 200_000) } });
    expect(await queue.getWaitingCount()).toBe(2);

    const worker = startWorker();
    try {
      for (const { job } of [failedOne, completedOne]) {
        expect(await waitForJob(env.store.jobs, env.events, job, ['complete', 'failed'])).toMatchObject({
          status: 'complete',
        });
        expect(runs.get(job.jobId)).toBe(1);
      }
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await worker.close();
      await transport.close();
    }
  });
});
