import { blobKeys } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { assertBlobKey } from './blob-key';

describe('assertBlobKey', () => {
  it('accepts every key shape blobKeys builds', () => {
    for (const key of [
      blobKeys.original('ten_01JD3Y8K6V2N8Q4S1T7W9X0ABC', 'doc_01JD3Y8K6V2N8Q4S1T7W9X0ABC'),
      blobKeys.thumbnail('t-1', 'd.1', 300),
      blobKeys.ocrText('org:acme', 'doc=1'),
    ]) {
      expect(assertBlobKey(key)).toBe(key);
    }
  });

  it.each([
    '',
    '/etc/passwd',
    '../outside',
    'tenants/t1/../t2/documents/d/original',
    'tenants/./t1',
    'tenants//t1',
    'tenants/t1/',
    'tenants\\t1',
    'tenants/t1\0/x',
    'tenants/t1/.hidden',
    'tenants/t1/%2e%2e/x',
    'tenants/t 1',
    'tenants/t1/\n',
    'x'.repeat(1025),
    `${'a/'.repeat(10)}${'b'.repeat(300)}`,
  ])('refuses %j', (key) => {
    expect(() => assertBlobKey(key)).toThrowError(
      expect.objectContaining({ code: 'invalid_blob_key', permanent: true }),
    );
  });
});
