/**
 * Chaos (a, b, f on BullMQ): document consumers SIGKILLed mid-batch, again and again,
 * and at every reachable fault point of the job lifecycle (the process really dies
 * there), on BullMQ with every role in its own process; and the same job's message
 * delivered several times. The API keeps answering, every job ends once, and every
 * job.completed / job.failed reaches the subscriber exactly once.
 */
import { FAULT_POINTS, type FaultPoint, resolveTopology } from '@paperlane/core';
import { createBullmqTransport, toMessage } from '@paperlane/runtime';
import { createDocumentClient, createStore } from '@paperlane/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosStack, startChaosStack, TENANT } from './support/stack';
import { CLEAN, settleAndCount, watchHealth } from './support/tally';

const KILLS = 3;
/** Effects between kills: each kill lands while the consumer holds other jobs. */
const EVERY = 6;

const DOCUMENTS = ['invoice-processing', 'thumbnail'];
/**
 * Faulty document consumers started together, each with its own point, and the work
 * that takes them there. A consumer whose point only failures reach would finish good
 * jobs unharmed (and starve the others), so the failure path has a wave of its own.
 */
const WAVES: ReadonlyArray<{ points: readonly FaultPoint[]; good: number; broken: number }> = [
  { points: ['after-claim', 'after-handler', 'after-complete', 'after-hook'], good: 5, broken: 0 },
  { points: ['after-delivery-record', 'after-delivery-enqueue', 'after-settle-clear'], good: 4, broken: 0 },
  { points: ['after-fail'], good: 0, broken: 2 },
];
const CONSUMER_POINTS = WAVES.flatMap((w) => w.points);
const SWEEPER_POINT: FaultPoint = 'after-settle-take';
/**
 * Not reached by a real process here: `after-retry` needs a transient job failure,
 * `after-target-status` a lost last attempt and `after-session-complete` the last job of
 * a session; the in-process crash test (fake clock, functions/src/domain-events.test.ts)
 * dies at each.
 */
const NOT_HERE: readonly FaultPoint[] = ['after-retry', 'after-target-status', 'after-session-complete'];
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
  it('SIGKILLed repeatedly during a 40-job batch: API answers throughout; every outcome once', async () => {
    const health = watchHealth(stack.url);
    // Two consumers: one is killed while the other works on and a replacement starts.
    let standby = stack.consumer(DOCUMENTS, {}, 'standby');
    const jobIds = [...(await stack.upload(10)), ...(await stack.upload(10))];
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
        consumer = await standby;
        standby = stack.consumer(DOCUMENTS, {}, 'standby');
      }
      // One consumer finishes the batch (and stays for the next cases).
      await stack.kill(await standby);
      const counts = await settleAndCount(stack, `consumer-kill (${kills} kills)`, jobIds, 60_000);
      const api = await health.stop();
      process.stdout.write(`chaos consumer-kill: healthz ok=${api.ok} failed=${api.failed}\n`);
      expect(kills).toBe(KILLS);
      expect(api.failed).toBe(0);
      expect(counts).toMatchObject({ submitted: 40, ...CLEAN });
      expect(counts.completed + counts.failed).toBe(40);
    } catch (error) {
      await health.stop();
      process.stdout.write(stack.logs());
      throw error;
    }
  }, 180_000);

  it('dies for real at each fault point; replacements finish every job, every outcome once', async () => {
    // A new fault point must be placed in one of the lists.
    expect([...CONSUMER_POINTS, SWEEPER_POINT, ...NOT_HERE].sort()).toEqual([...FAULT_POINTS].sort());
    const died = new Map<FaultPoint, string>();
    // The sweeper dies taking its first outbox marker (left by the consumers dying below).
    const sweeper = await stack.replaceControl({ PAPERLANE_FAULT_KILL_AT: SWEEPER_POINT });
    await stack.kill(consumer);
    const jobIds: string[] = [];
    try {
      for (const { points, good, broken } of WAVES) {
        // Every faulty consumer is polling before the work arrives: uploaded first, the
        // consumer that started soonest could take all of it and leave another point unreached.
        const faulty = await Promise.all(
          points.map((point) =>
            stack.consumer(DOCUMENTS, { PAPERLANE_FAULT_KILL_AT: point }, `fault:${point}`),
          ),
        );
        if (good) jobIds.push(...(await stack.upload(good)));
        if (broken) jobIds.push(...(await stack.upload(broken, { broken: true })));
        await Promise.all(
          faulty.map(async (role, k) => {
            const point = points[k] as FaultPoint;
            const gone = await Promise.race([
              role.proc.exited.then(() => true),
              new Promise<false>((r) => setTimeout(() => r(false), 45_000)),
            ]);
            died.set(point, gone ? String(role.proc.child.signalCode) : 'never reached');
            await stack.kill(role);
          }),
        );
      }
      consumer = await stack.consumer(DOCUMENTS);
      const sweeperGone = await Promise.race([
        sweeper.proc.exited.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 30_000)),
      ]);
      died.set(SWEEPER_POINT, sweeperGone ? String(sweeper.proc.child.signalCode) : 'never reached');
      await stack.replaceControl();
      const counts = await settleAndCount(stack, `fault-points (${died.size} points)`, jobIds, 60_000);
      process.stdout.write(`chaos fault-points: ${[...died].map(([p, how]) => `${p}=${how}`).join(' ')}\n`);
      expect(Object.fromEntries(died)).toEqual(
        Object.fromEntries([...CONSUMER_POINTS, SWEEPER_POINT].map((p) => [p, 'SIGKILL'])),
      );
      expect(counts).toMatchObject({ submitted: jobIds.length, ...CLEAN });
      expect(counts.completed + counts.failed).toBe(jobIds.length);
    } catch (error) {
      process.stdout.write(stack.logs());
      throw error;
    }
  }, 240_000);

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
