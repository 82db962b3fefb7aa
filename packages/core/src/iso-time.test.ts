import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('formats like toISOString, across repeated, alternating and changing instants', () => {
    const instants = [0, 0, 1, 1_700_000_000_123, 1_700_000_000_123, -86_400_000, 1, -86_400_000, 1, 2, 0, 2];
    for (const ms of instants) {
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });
});
