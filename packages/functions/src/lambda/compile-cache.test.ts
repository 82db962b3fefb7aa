import nodeModule from 'node:module';
import { describe, expect, it } from 'vitest';
import { enableCompileCache } from './compile-cache';

const codes = { FAILED: 0, ENABLED: 1, ALREADY_ENABLED: 2, DISABLED: 3 };

describe('enableCompileCache', () => {
  it("is what this Node offers: 'unavailable' before 22.1, a cache status from 22.1 on", () => {
    const has = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    const status = enableCompileCache();
    if (has) expect(['enabled', 'already-enabled', 'disabled']).toContain(status);
    else expect(status).toBe('unavailable');
  });

  it("maps Node's status codes, and a throwing or failing cache is 'failed', never an error at init", () => {
    const answering = (status: number) => ({
      enableCompileCache: () => ({ status }),
      constants: { compileCacheStatus: codes },
    });
    expect(enableCompileCache(answering(codes.ENABLED))).toBe('enabled');
    expect(enableCompileCache(answering(codes.ALREADY_ENABLED))).toBe('already-enabled');
    expect(enableCompileCache(answering(codes.DISABLED))).toBe('disabled');
    expect(enableCompileCache(answering(codes.FAILED))).toBe('failed');
    const throwing = {
      enableCompileCache: () => {
        throw new Error('EACCES: /tmp is read-only');
      },
    };
    expect(enableCompileCache(throwing)).toBe('failed');
    expect(enableCompileCache({})).toBe('unavailable');
  });
});
