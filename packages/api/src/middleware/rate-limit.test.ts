import type { RateLimitStore } from '@paperlane/store';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, createSharedRateLimiter } from './rate-limit';

describe('rate limiters', () => {
  it('in memory: a burst per key, refilled at the per-minute rate, with the wait until a token', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 2, now: () => t });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 1000]);
    expect(limiter.take('b')).toBe(0);
    t = 1000;
    expect(limiter.take('a')).toBe(0);
  });

  it('shared: counts under the tenant key in the store, and fails open when the store cannot count', async () => {
    const asked: Parameters<RateLimitStore['take']>[0][] = [];
    const at = new Date('2031-01-01T00:00:30.000Z');
    const counting = createSharedRateLimiter({
      store: {
        take: async (input) => {
          asked.push(input);
          return asked.length > 1 ? 30_000 : 0;
        },
      },
      perMinute: 1,
      now: () => at,
    });
    expect([await counting.take('t1'), await counting.take('t1', 2)]).toEqual([0, 30_000]);
    expect(asked).toEqual([
      { key: 'enqueue:t1', limit: 1, cost: 1, now: at },
      { key: 'enqueue:t1', limit: 1, cost: 2, now: at },
    ]);
    const errors: unknown[] = [];
    const broken = createSharedRateLimiter({
      store: { take: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')) },
      perMinute: 1,
      onError: (error) => errors.push(error),
    });
    expect(await broken.take('t1')).toBe(0);
    expect(errors.map(String)).toEqual(['Error: ProvisionedThroughputExceededException']);
  });
});
