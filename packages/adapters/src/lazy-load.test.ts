import { describe, expect, it } from 'vitest';
import { lazyLoad } from './lazy-load';

describe('lazyLoad', () => {
  it('loads once however many callers ask, and tries again after a failed load', async () => {
    let calls = 0;
    const load = lazyLoad(async () => {
      calls++;
      if (calls === 1) throw new Error('module not found');
      return { loaded: calls };
    });
    expect(calls).toBe(0);
    await expect(load()).rejects.toThrow('module not found');
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toEqual({ loaded: 2 });
    expect(calls).toBe(2);
  });
});
