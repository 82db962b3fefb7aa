import { describe, expect, it } from 'vitest';
import { nextCrashCount, restartDelay } from './restart-policy';

describe('restart policy', () => {
  const limits = { baseMs: 500, maxMs: 30_000 };

  it('doubles per consecutive crash up to the cap', () => {
    expect([1, 2, 3, 4, 7, 8, 1000].map((n) => restartDelay(n, limits))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
    expect(restartDelay(0, limits)).toBe(500);
  });

  it('starts over after a child stayed up long enough', () => {
    expect(nextCrashCount(5, 29_999, 30_000)).toBe(6);
    expect(nextCrashCount(5, 30_000, 30_000)).toBe(1);
    expect(nextCrashCount(0, 0, 30_000)).toBe(1);
  });
});
