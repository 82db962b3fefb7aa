import { ConfigError, ValidationError } from '@paperlane/core';
import { z } from 'zod';

const MiB = 1024 * 1024;

/** Hard limits on the files a job will open; everything hostile is refused against these. */
export const fileLimitsSchema = z.object({
  /** Largest file read from the blob store or accepted for processing. */
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(512 * MiB)
    .default(25 * MiB),
  /** PDFs with more pages are refused (`too_many_pages`) before any page is read. */
  maxPages: z.number().int().positive().max(10_000).default(100),
  /** Images (and rendered PDF pages) with more pixels are refused before decoding. */
  maxInputPixels: z.number().int().positive().max(1_000_000_000).default(50_000_000),
});
export type FileLimits = z.infer<typeof fileLimitsSchema>;
export type FileLimitsInput = z.input<typeof fileLimitsSchema>;

/**
 * Validated limits with defaults filled in. Throws ConfigError for bad values.
 *
 * @example
 * const limits = parseFileLimits({ maxPages: 20 }); // maxBytes and maxInputPixels defaulted
 */
export function parseFileLimits(input: FileLimitsInput | undefined = {}): FileLimits {
  const parsed = fileLimitsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(`invalid file limits: ${z.prettifyError(parsed.error)}`, {
      code: 'invalid_config',
    });
  }
  return parsed.data;
}

export const DEFAULT_FILE_LIMITS: FileLimits = parseFileLimits({});

/**
 * Refuses empty files (`empty_file`) and files over `maxBytes` (`file_too_large`).
 *
 * @example
 * assertFileSize(bytes, DEFAULT_FILE_LIMITS);
 */
export function assertFileSize(bytes: Uint8Array, limits: Pick<FileLimits, 'maxBytes'>): void {
  if (bytes.byteLength === 0) throw new ValidationError('the file is empty', { code: 'empty_file' });
  if (bytes.byteLength > limits.maxBytes) {
    throw new ValidationError(`the file is larger than ${limits.maxBytes} bytes`, { code: 'file_too_large' });
  }
}

/**
 * Refuses images whose declared size exceeds `maxInputPixels` (`pixel_limit_exceeded`).
 *
 * @example
 * assertPixelLimit(20_000, 20_000, DEFAULT_FILE_LIMITS); // throws
 */
export function assertPixelLimit(
  width: number,
  height: number,
  limits: Pick<FileLimits, 'maxInputPixels'>,
): void {
  if (width * height > limits.maxInputPixels) {
    throw new ValidationError(
      `the image is ${width}×${height} pixels; at most ${limits.maxInputPixels} pixels are allowed`,
      { code: 'pixel_limit_exceeded' },
    );
  }
}
