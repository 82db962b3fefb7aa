import { type JobHandlers, PermanentError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../test/conformance/wait-for-job';
import { type BullmqEnvironment, startBullmqEnvironment } from '../../test/support/bullmq-environment';

let env: BullmqEnvironment;
beforeAll(async () => {
  env = await startBullmqEnvironment();
});
afterAll(async () => {
  await env?.stop();
});

/** A fresh queue prefix and a running worker; `once.` users fail the first run, `twice.` the first two. */
function setup() {
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
  const consumer = env.consumer(handlers, { queues: ['automation', 'thumbnail'] });
  return { ...consumer, runs, worker: consumer.startWorker() };
}

describe('BullMQ queue admin (redis + dynalite)', () => {
  it('counts, lists and redrives failed-set jobs through the real worker', async () => {
    const { runs, transport, dispatcher, admin, worker } = setup();
    try {
      const mine = await dispatcher.enqueue('automation', { tenantId: 'tenant-a', tenantUserId: 'twice.1' });
      const other = await dispatcher.enqueue('automation', { tenantId: 'tenant-b', tenantUserId: 'once.2' });
      await worker.inFailedSet([mine.job.jobId, other.job.jobId]);

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
      const done = await waitForJob(env.store.jobs, env.events, mine.job, ['complete']);
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
      await waitForJob(env.store.jobs, env.events, other.job, ['complete']);
      expect((await admin.stats())[0]?.failed).toBe(0);
    } finally {
      await worker.close();
      await transport.close();
    }
  });

  it('pause stops the worker taking jobs until resume', async () => {
    const { transport, dispatcher, admin, worker } = setup();
    try {
      await admin.pause('automation');
      const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-z', tenantUserId: 'u.1' });
      const stats = (await admin.stats())[0];
      expect(stats).toMatchObject({ queue: 'automation', paused: true, waiting: 1, inFlight: 0 });
      expect(await env.store.jobs.get(job)).toMatchObject({ status: 'pending', attempts: 0 });
      await admin.resume('automation');
      expect((await admin.stats())[0]?.paused).toBe(false);
      await waitForJob(env.store.jobs, env.events, job, ['complete']);
    } finally {
      await worker.close();
      await transport.close();
    }
  });
});
