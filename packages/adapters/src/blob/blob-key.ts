import { ValidationError } from '@paperlane/core';

/** One path segment: starts with a letter, digit or `_` (never a dot), then a safe set. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.:=-]{0,254}$/;
const MAX_KEY_LENGTH = 1024;

/**
 * Refuses keys that could escape a folder or confuse a store: absolute paths, `..`
 * and `.` segments, empty segments, backslashes, NUL and other control
 * characters, and anything outside `[A-Za-z0-9_.:=-]` per segment. Every key
 * `blobKeys` builds (`tenants/<tenant>/documents/<doc>/...`) passes.
 *
 * @example
 * assertBlobKey(blobKeys.original('t_1', 'doc_1')); // ok
 * assertBlobKey('tenants/t_1/../t_2/secret');         // throws ValidationError invalid_blob_key
 */
export function assertBlobKey(key: string): string {
  const fail = (why: string): never => {
    throw new ValidationError(`invalid blob key: ${why}`, { code: 'invalid_blob_key' });
  };
  if (typeof key !== 'string' || key.length === 0) fail('empty');
  if (key.length > MAX_KEY_LENGTH) fail(`longer than ${MAX_KEY_LENGTH} characters`);
  for (const segment of key.split('/')) {
    if (segment === '') fail('empty segment (leading, trailing or double slash)');
    if (!SEGMENT.test(segment))
      fail('a segment is ".", "..", starts with a dot, or has characters outside [A-Za-z0-9_.:=-]');
  }
  return key;
}
