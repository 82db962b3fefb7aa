import { describe, expect, it } from 'vitest';
import { backoffDelayMs, MAX_BACKOFF_MS } from './backoff';

const nearlyOne = () => 1 - 1e-12;

describe('backoffDelayMs', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles the ceiling with each failed attempt and keeps half of it fixed', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(500);
    expect(backoffDelayMs(1, policy, nearlyOne)).toBe(1000);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(2000);
    expect(backoffDelayMs(3, policy, nearlyOne)).toBe(4000);
  });

  it('never exceeds the policy cap or SQS visibility maximum', () => {
    expect(backoffDelayMs(30, policy, nearlyOne)).toBe(60_000);
    expect(backoffDelayMs(1000, { baseMs: 1000, maxMs: Number.MAX_SAFE_INTEGER }, nearlyOne)).toBe(
      MAX_BACKOFF_MS,
    );
  });

  it('spreads delays with real randomness but stays in [ceiling/2, ceiling]', () => {
    const samples = Array.from({ length: 200 }, () => backoffDelayMs(4, policy));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(8000);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it('treats nonsense attempt numbers as the first attempt', () => {
    expect(backoffDelayMs(0, policy, () => 0)).toBe(500);
    expect(backoffDelayMs(-5, policy, () => 0)).toBe(500);
  });
});
