import { newId } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { SWEEP_SHARDS, sweepKeys, sweepShard } from './keys';

describe('sweep keys', () => {
  it('a job always lands in the same shard, and ids spread over all shards', () => {
    const ids = Array.from({ length: 800 }, (_, n) => newId('job', 1_700_000_000_000 + n));
    const counts = new Array<number>(SWEEP_SHARDS).fill(0);
    for (const id of ids) {
      const shard = sweepShard(id);
      expect(sweepShard(id)).toBe(shard);
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(SWEEP_SHARDS);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    // 100 expected per shard; a skewed hash would leave some nearly empty.
    for (const count of counts) expect(count).toBeGreaterThan(50);
  });

  it('sort keys order by time, and a `< now` bound selects what is due', () => {
    const early = sweepKeys(new Date('2030-01-01T00:00:00.000Z').toISOString(), 'zz-tenant', 'job-b');
    const late = sweepKeys(new Date('2030-01-01T00:00:00.001Z').toISOString(), 'aa-tenant', 'job-a');
    expect(early.gsi4sk < late.gsi4sk).toBe(true);
    const now = '2030-01-01T00:00:00.001Z';
    expect(early.gsi4sk < now).toBe(true);
    // Due strictly before now: a job swept at exactly `now` waits for the next round.
    expect(late.gsi4sk < now).toBe(false);
  });
});
