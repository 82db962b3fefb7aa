import { describe, expect, it } from 'vitest';
import { ID_PATTERN, newId, stableId } from './ids';

describe('ids', () => {
  it('newId sorts by creation time and is unique', () => {
    const a = newId('job', 1_700_000_000_000);
    const b = newId('job', 1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId('job'))).size).toBe(1000);
    expect(a).toMatch(/^job_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(ID_PATTERN.test(a)).toBe(true);
  });

  it('stableId is deterministic and separates its parts', () => {
    expect(stableId('job', 't1', 'k')).toBe(stableId('job', 't1', 'k'));
    expect(stableId('job', 't1', 'k')).not.toBe(stableId('job', 't1k', ''));
  });
});
