import { type JobHandlers, PermanentError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../test/conformance/wait-for-job';
import { type BullmqEnvironment, startBullmqEnvironment } from '../../test/support/bullmq-environment';
import { combineQueueAdmins } from './combined-queue-admin';

// Two real transports (BullMQ under two prefixes on one redis-server) stand for BullMQ and its
// SQS fallback: the combination only sees the QueueAdmin port, whatever is behind it.
let env: BullmqEnvironment;
beforeAll(async () => {
  env = await startBullmqEnvironment();
});
afterAll(async () => {
  await env?.stop();
});

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

/** One side: its own prefix and worker, and a way to put `count` failed jobs in its failed set. */
function side() {
  const consumer = env.consumer(handlers);
  const worker = consumer.startWorker();
  const enqueueFailing = async (count: number) => {
    const jobs = [];
    for (let i = 0; i < count; i++) {
      const { job } = await consumer.dispatcher.enqueue('automation', {
        tenantId: 'tenant-c',
        tenantUserId: `u.${i}`,
      });
      jobs.push(job);
    }
    await worker.inFailedSet(jobs.map((j) => j.jobId));
    return jobs;
  };
  return { ...consumer, worker, enqueueFailing };
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
          expect(await waitForJob(env.store.jobs, env.events, job, ['complete'])).toMatchObject({
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
      for (const side of [main, fallback]) {
        await side.worker.close();
        await side.transport.close();
      }
    }
  });
});
