import { DEFAULT_TOPOLOGY, QUEUE_NAMES } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { oldestMessageAgeThresholdSeconds } from './alarm-thresholds';
import { laneConcurrency } from './concurrency';

describe('laneConcurrency', () => {
  it('gives the low lane half the high lane, within Lambda’s 2-1000', () => {
    expect(laneConcurrency(8)).toEqual({ high: 8, low: 4 });
    expect(laneConcurrency(5)).toEqual({ high: 5, low: 2 });
    expect(laneConcurrency(2)).toEqual({ high: 2, low: 2 });
    expect(laneConcurrency(1)).toEqual({ high: 2, low: 2 });
    expect(laneConcurrency(5000)).toEqual({ high: 1000, low: 500 });
  });
});

describe('oldestMessageAgeThresholdSeconds', () => {
  it('covers the batch window, a crashed consumer’s visibility and two retry ceilings, plus slack', () => {
    const t = DEFAULT_TOPOLOGY.thumbnail;
    // 0 s window + 360 s visibility + 2 s + 4 s retries + 300 s slack
    expect(oldestMessageAgeThresholdSeconds(t, 'high')).toBe(666);
    expect(oldestMessageAgeThresholdSeconds(t, 'low')).toBe(4 * 666);
  });

  it('is above the visibility timeout for every queue', () => {
    for (const queue of QUEUE_NAMES) {
      const t = DEFAULT_TOPOLOGY[queue];
      expect(oldestMessageAgeThresholdSeconds(t, 'high')).toBeGreaterThan(t.visibilityTimeoutSeconds);
    }
  });
});
