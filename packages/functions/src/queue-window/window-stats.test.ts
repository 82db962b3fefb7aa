import { describe, expect, it } from 'vitest';
import { percentile, summarizeWindow } from './window-stats';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
const job = (status: 'complete' | 'failed', ms: number) => ({ status, startedAt: at(0), finishedAt: at(ms) });

describe('queue window statistics', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('counts, throughput, failure rate and run-time percentiles', () => {
    const jobs = [
      ...Array.from({ length: 18 }, (_, i) => job('complete', (i + 1) * 100)),
      job('failed', 5_000),
      job('failed', 10_000),
    ];
    expect(summarizeWindow(jobs, 10)).toEqual({
      completed: 18,
      failed: 2,
      throughputPerMinute: 2,
      failureRate: 0.1,
      p50Ms: 1_000,
      p95Ms: 5_000,
    });
  });

  it('an empty window has no percentiles and no failure rate; jobs without instants still count', () => {
    expect(summarizeWindow([], 60)).toMatchObject({ completed: 0, failureRate: 0, p50Ms: null, p95Ms: null });
    expect(summarizeWindow([{ status: 'failed' }], 60)).toMatchObject({
      failed: 1,
      failureRate: 1,
      p50Ms: null,
    });
  });
});
