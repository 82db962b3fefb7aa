import { PaperlaneError, ValidationError } from '@paperlane/core';

/**
 * Maps a sharp/libvips failure to a clear permanent error. libvips only reports
 * strings, so this matches on their wording; anything unrecognised is a corrupt file
 * (sharp throws on bad input, not on transient conditions).
 *
 * @example
 * await sharp(bytes).toBuffer().catch((error) => { throw imageError(error); });
 */
export function imageError(error: unknown): Error {
  if (error instanceof PaperlaneError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new ValidationError('the image has more pixels than allowed', {
      code: 'pixel_limit_exceeded',
      cause: error,
    });
  }
  if (/unsupported image format/i.test(message)) {
    return new ValidationError('unsupported or unrecognised image format', {
      code: 'unsupported_file_type',
      cause: error,
    });
  }
  return new ValidationError('the image is corrupt or truncated', { code: 'corrupt_file', cause: error });
}
