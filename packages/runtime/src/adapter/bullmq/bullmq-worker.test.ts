import { type JobHandlers, PermanentError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForJob } from '../../../test/conformance/wait-for-job';
import { type BullmqEnvironment, startBullmqEnvironment } from '../../../test/support/bullmq-environment';

let env: BullmqEnvironment;
beforeAll(async () => {
  env = await startBullmqEnvironment();
});
afterAll(async () => {
  await env?.stop();
});

const setup = (handlers: JobHandlers) => env.consumer(handlers);

describe('BullMQ adapter', () => {
  it('keeps a delay beyond SQS limits as a BullMQ delayed job with the same due time', async () => {
    const { transport, dispatcher } = setup({});
    const { job } = await dispatcher.enqueue(
      'automation',
      { tenantId: 'tenant-b', tenantUserId: 'u-1' },
      { delayMs: 20 * 60_000, priority: 'low' },
    );
    const bull = await transport.queue('automation').getJob(job.jobId);
    expect(await bull?.getState()).toBe('delayed');
    expect(bull?.opts.priority).toBe(100);
    expect(
      Math.abs((bull?.timestamp ?? 0) + (bull?.delay ?? 0) - new Date(job.availableAt).getTime()),
    ).toBeLessThan(1_000);
    await transport.close();
  });

  it('lets a running job finish on graceful shutdown', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { transport, dispatcher, startWorker } = setup({
      automation: async () => {
        started();
        await gate;
        return { finished: true };
      },
    });
    const worker = startWorker();
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-b', tenantUserId: 'u-2' });
    await running;
    const closing = worker.close();
    release();
    await closing;
    expect(await env.store.jobs.get(job)).toMatchObject({ status: 'complete', result: { finished: true } });
    await transport.close();
  });

  it('runs a job again after a retry by hand, under its next generation', async () => {
    let calls = 0;
    const { transport, dispatcher, startWorker } = setup({
      automation: async () => {
        calls++;
        if (calls === 1) throw new PermanentError('bad input');
        return { calls };
      },
    });
    const worker = startWorker();
    const { job } = await dispatcher.enqueue('automation', { tenantId: 'tenant-b', tenantUserId: 'u-3' });
    await waitForJob(env.store.jobs, env.events, job, ['failed']);
    const requeued = await env.store.jobs.requeue({
      ...job,
      now: new Date(),
      sweepAt: new Date(Date.now() + 60_000),
    });
    expect(requeued).toMatchObject({ status: 'pending', generation: 1, attempts: 0 });
    const unsent = await dispatcher.resend([requeued!]);
    expect(unsent.size).toBe(0);
    const done = await waitForJob(env.store.jobs, env.events, job, ['complete']);
    expect(done).toMatchObject({ status: 'complete', attempts: 1, result: { calls: 2 } });
    expect(await transport.queue('automation').getJob(`${job.jobId}.g1`)).toBeDefined();
    await worker.close();
    await transport.close();
  });
});
