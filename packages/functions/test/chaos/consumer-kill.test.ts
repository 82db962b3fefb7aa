/**
 * Chaos (a): document consumers SIGKILLed mid-batch, again and again, on BullMQ with
 * every role in its own process. The API keeps answering, every job ends once, and
 * every job.completed / job.failed reaches the subscriber exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosStack, startChaosStack } from './support/stack';
import { CLEAN, settleAndCount, watchHealth } from './support/tally';

const KILLS = 4;
/** Effects between kills: each kill lands while the consumer holds other jobs. */
const EVERY = 6;

let stack: ChaosStack;
beforeAll(async () => {
  stack = await startChaosStack({ transport: 'bullmq' });
});
afterAll(async () => {
  await stack?.close();
});

describe('chaos: consumers killed mid-job', () => {
  it('SIGKILLed repeatedly during a 50-job batch: API answers throughout; every outcome once', async () => {
    const health = watchHealth(stack.url);
    let consumer = await stack.consumer(['invoice-processing', 'thumbnail']);
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
        consumer = await stack.consumer(['invoice-processing', 'thumbnail']);
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
});
