import { ValidationError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { type CursorScope, decodeCursor, encodeCursor } from './cursor';

const scope: CursorScope = {
  index: 'gsi2',
  partitionKey: 'gsi2pk',
  sortKey: 'gsi2sk',
  partition: 'T#t1#DOC#d1',
  sortPrefix: 'JOB#',
  basePrefix: 'T#t1#JOB#',
};
const key = {
  pk: 'T#t1#JOB#j1',
  sk: 'JOB',
  gsi2pk: 'T#t1#DOC#d1',
  gsi2sk: 'JOB#2030-01-01T00:00:00.000Z#j1',
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ValidationError ? error.code : 'not-a-validation-error';
  }
}

describe('cursor', () => {
  it('round-trips a key for the same scope', () => {
    expect(decodeCursor(encodeCursor(scope, key), scope)).toEqual(key);
  });

  it('refuses the same key under another scope', () => {
    const cursor = encodeCursor(scope, key);
    expect(code(() => decodeCursor(cursor, { ...scope, partition: 'T#t2#DOC#d1' }))).toBe('invalid_cursor');
    expect(code(() => decodeCursor(cursor, { ...scope, index: 'gsi3' }))).toBe('invalid_cursor');
    expect(code(() => decodeCursor(cursor, { ...scope, basePrefix: 'T#t2#JOB#' }))).toBe('invalid_cursor');
  });

  it('refuses non-string key values and oversized keys', () => {
    const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
    expect(code(() => decodeCursor(encode({ v: 1, i: 'gsi2', k: { ...key, sk: 5 } }), scope))).toBe(
      'invalid_cursor',
    );
    expect(
      code(() => decodeCursor(encode({ v: 1, i: 'gsi2', k: { ...key, sk: 'x'.repeat(2000) } }), scope)),
    ).toBe('invalid_cursor');
    expect(code(() => decodeCursor(encode([1, 2]), scope))).toBe('invalid_cursor');
    expect(code(() => decodeCursor(encode(null), scope))).toBe('invalid_cursor');
  });
});
