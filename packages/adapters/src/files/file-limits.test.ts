import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { assertFileSize, assertPixelLimit, DEFAULT_FILE_LIMITS, parseFileLimits } from './file-limits';

describe('file limits', () => {
  it('fills defaults and keeps overrides', () => {
    const limits = parseFileLimits({ maxPages: 20 });
    expect(limits.maxPages).toBe(20);
    expect(limits.maxBytes).toBe(DEFAULT_FILE_LIMITS.maxBytes);
  });

  it.each([{ maxPages: 0 }, { maxBytes: -1 }, { maxInputPixels: 1.5 }, { maxPages: Number.NaN }])(
    'refuses %o as configuration',
    (input) => {
      expect(() => parseFileLimits(input)).toThrow(ConfigError);
    },
  );

  it('refuses empty and oversized files', () => {
    expect(() => assertFileSize(new Uint8Array(), { maxBytes: 10 })).toThrowError(
      expect.objectContaining({ code: 'empty_file' }),
    );
    expect(() => assertFileSize(new Uint8Array(11), { maxBytes: 10 })).toThrowError(
      expect.objectContaining({ code: 'file_too_large' }),
    );
    expect(() => assertFileSize(new Uint8Array(10), { maxBytes: 10 })).not.toThrow();
  });

  it('refuses images over the pixel budget', () => {
    expect(() => assertPixelLimit(20_000, 20_000, DEFAULT_FILE_LIMITS)).toThrowError(
      expect.objectContaining({ code: 'pixel_limit_exceeded' }),
    );
    expect(() => assertPixelLimit(4000, 3000, DEFAULT_FILE_LIMITS)).not.toThrow();
  });
});
