import { silentLogger } from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stoppable } from '../container';
import { startBullmqTicker, tickQueueName } from './bullmq-ticker';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('startBullmqTicker on a real redis-server', () => {
  it('ticks once per period however many processes declare it, one tick at a time', async () => {
    const everyMs = 100;
    const ticks: Array<{ process: string; slot: number }> = [];
    let active = 0;
    let maxActive = 0;
    let enough: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      enough = resolve;
    });
    const options = { url: redis.url, everyMs, logger: silentLogger, prefix: 'tick-a' };
    // Three "processes": each its own queue connection and worker, as separate dev processes would have.
    const tickers: Stoppable[] = await Promise.all(
      ['p1', 'p2', 'p3'].map((name) =>
        startBullmqTicker(
          'automation-tick',
          async (scheduledAt) => {
            active++;
            maxActive = Math.max(maxActive, active);
            ticks.push({ process: name, slot: scheduledAt.getTime() });
            await new Promise((resolve) => setImmediate(resolve));
            active--;
            if (ticks.length === 8) enough();
          },
          options,
        ),
      ),
    );
    await reached;
    for (const ticker of tickers) await ticker.stop();

    const slots = ticks.map((t) => t.slot);
    // Every tick stands for its own scheduled slot, taken in order: none ran twice, whichever process took it.
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots).toEqual([...slots].sort((a, b) => a - b));
    expect(maxActive).toBe(1);

    // Declared three times, it is one scheduler, still there for processes that keep running.
    const queue = new Queue(tickQueueName('automation-tick'), {
      connection: { url: redis.url },
      prefix: 'tick-a',
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every])).toEqual([['automation-tick', everyMs]]);
    } finally {
      await queue.close();
    }
  });

  it('keeps ticking after a failing tick', async () => {
    let calls = 0;
    let third: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      third = resolve;
    });
    const ticker = await startBullmqTicker(
      'flaky-tick',
      async () => {
        calls++;
        if (calls === 3) third();
        if (calls === 1) throw new Error('first tick fails');
      },
      { url: redis.url, everyMs: 50, logger: silentLogger, prefix: 'tick-b' },
    );
    await reached;
    await ticker.stop();
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});
