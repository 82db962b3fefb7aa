import { silentLogger } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { startTicker } from './ticker';

describe('startTicker', () => {
  it('ticks every period, survives a failing tick, never overlaps, and stops cleanly', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    let reachThree: () => void = () => {};
    const three = new Promise<void>((resolve) => {
      reachThree = resolve;
    });
    const ticker = startTicker(
      'test',
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        calls++;
        await new Promise((r) => setImmediate(r));
        active--;
        if (calls === 3) reachThree();
        if (calls === 1) throw new Error('first tick fails');
      },
      { periodMs: 5, logger: silentLogger },
    );
    await three;
    await ticker.stop();
    const after = calls;
    expect(after).toBeGreaterThanOrEqual(3);
    expect(maxActive).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(after);
  });
});
