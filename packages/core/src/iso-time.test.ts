import { describe, expect, it } from 'vitest';
import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('formats like toISOString, across repeated and changing instants', () => {
    for (const ms of [0, 0, 1, 1_700_000_000_123, 1_700_000_000_123, -86_400_000]) {
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    }
  });
});
