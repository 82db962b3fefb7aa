import { describe, expect, it } from 'vitest';
import { firstUse } from './first-use';

describe('firstUse', () => {
  it('builds nothing until asked, then once, and hands back the same value', () => {
    let builds = 0;
    const value = firstUse(() => ({ built: ++builds }));
    expect(builds).toBe(0);
    const first = value();
    expect(value()).toBe(first);
    expect([builds, first]).toEqual([1, { built: 1 }]);
  });

  it('keeps an undefined result instead of building again', () => {
    let builds = 0;
    const nothing = firstUse(() => {
      builds++;
      return undefined;
    });
    nothing();
    nothing();
    expect(builds).toBe(1);
  });
});
