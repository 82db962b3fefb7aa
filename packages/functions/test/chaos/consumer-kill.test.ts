/**
 * Chaos (a, f on BullMQ): document consumers SIGKILLed mid-batch, again and again,
 * on BullMQ with every role in its own process, and the same job's message delivered
 * several times. The API keeps answering, every job ends once, and every
 * job.completed / job.failed reaches the subscriber exactly once.
 */
import { resolveTopology } from '@paperlane/core';
import { createBullmqTransport, toMessage } from '@paperlane/runtime';
import { createDocumentClient, createStore } from '@paperlane/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosStack, startChaosStack, TENANT } from './support/stack';
import { CLEAN, settleAndCount, watchHealth } from './support/tally';

const KILLS = 4;
/** Effects between kills: each kill lands while the consumer holds other jobs. */
const EVERY = 6;

const DOCUMENTS = ['invoice-processing', 'thumbnail'];
let stack: ChaosStack;
/** The document consumer now running (the cases kill and replace it). */
let consumer: Awaited<ReturnType<ChaosStack['consumer']>>;
beforeAll(async () => {
  stack = await startChaosStack({ transport: 'bullmq' });
  consumer = await stack.consumer(DOCUMENTS);
});
afterAll(async () => {
  await stack?.close();
});

describe('chaos: consumers killed mid-job', () => {
  it('SIGKILLed repeatedly during a 50-job batch: API answers throughout; every outcome once', async () => {
    const health = watchHealth(stack.url);
    const jobIds = [...(await stack.upload(12)), ...(await stack.upload(13))];
    let kills = 0;
    try {
      while (kills < KILLS) {
        const reached = await stack.counter.until(
          () => stack.counter.effects.length >= (kills + 1) * EVERY,
          Date.now() + 60_000,
        );
        if (!reached) break;
        await stack.kill(consumer);
        kills++;
        consumer = await stack.consumer(DOCUMENTS);
      }
      const counts = await settleAndCount(stack, `consumer-kill (${kills} kills)`, jobIds, 60_000);
      const api = await health.stop();
      process.stdout.write(`chaos consumer-kill: healthz ok=${api.ok} failed=${api.failed}\n`);
      expect(kills).toBe(KILLS);
      expect(api.failed).toBe(0);
      expect(counts).toMatchObject({ submitted: 50, ...CLEAN });
      expect(counts.completed + counts.failed).toBe(50);
    } catch (error) {
      await health.stop();
      process.stdout.write(stack.logs());
      throw error;
    }
  }, 180_000);

  it('the same messages added three more times under other BullMQ ids: each job runs once, one outcome each', async () => {
    const redis = stack.redis;
    if (!redis) throw new Error('BullMQ stack without redis');
    const jobIds = await stack.upload(3);
    const region = 'us-east-1';
    const documentClient = createDocumentClient({ endpoint: stack.dynamo.endpoint, region });
    const store = createStore({ documentClient, tableName: 'paperlane' });
    // BullMQ dedupes adds by job id, so each copy gets its own id: a true duplicate delivery.
    const bullmq = createBullmqTransport({ url: redis.url, topology: resolveTopology() });
    try {
      const jobs = await store.jobs.getMany(TENANT, jobIds);
      expect(jobs).toHaveLength(jobIds.length);
      for (const job of jobs) {
        const { envelope } = toMessage(job, new Date());
        for (let copy = 1; copy <= 3; copy++)
          await bullmq.queue(job.queue).add(job.queue, envelope, { jobId: `${job.jobId}.copy${copy}` });
      }
      const counts = await settleAndCount(stack, 'duplicate-messages bullmq', jobIds, 60_000);
      expect(counts).toMatchObject({ submitted: 6, completed: 6, failed: 0, ...CLEAN });
      const after = await store.jobs.getMany(TENANT, jobIds);
      expect(after.map((j) => j.attempts)).toEqual(jobIds.map(() => 1));
    } finally {
      await bullmq.close();
      documentClient.destroy();
    }
  }, 120_000);
});
