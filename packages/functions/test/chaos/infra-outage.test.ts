/**
 * Chaos (c, e): Redis killed and restarted mid-batch, with and without persistence,
 * and the store (dynalite) gone for 20 s mid-batch. Outages are transient: jobs wait
 * and resume, none is failed or stranded by them, every outcome is delivered once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChaosStack, startChaosStack } from './support/stack';
import { CLEAN, disruptedBatch } from './support/tally';

let stack: ChaosStack;
let consumer: Awaited<ReturnType<ChaosStack['consumer']>>;
beforeAll(async () => {
  stack = await startChaosStack({ transport: 'bullmq', appendonly: true });
  consumer = await stack.consumer(['invoice-processing', 'thumbnail']);
});
afterAll(async () => {
  await stack?.close();
});

describe('chaos: infrastructure outages mid-batch', () => {
  const outages = [
    {
      label: 'redis-restart appendonly=yes',
      disrupt: () => stack.restartRedis({ appendonly: true, downMs: 1_000 }),
    },
    {
      // Everything BullMQ held is gone: the sweeper re-sends from the job records.
      label: 'redis-restart appendonly=no',
      disrupt: () => stack.restartRedis({ appendonly: false, downMs: 1_000 }),
    },
    { label: 'store-outage 20s', disrupt: () => stack.restartStore(20_000) },
  ];
  for (const { label, disrupt } of outages) {
    it(`${label}: jobs wait and resume, none failed or stranded, every outcome once`, async () => {
      const counts = await disruptedBatch(stack, {
        label,
        files: 8,
        afterEffects: 3,
        withinMs: 60_000,
        disrupt,
      });
      expect(counts).toMatchObject({ submitted: 16, completed: 16, failed: 0, ...CLEAN });
      expect(consumer.proc.child.exitCode).toBeNull();
    }, 150_000);
  }
});
