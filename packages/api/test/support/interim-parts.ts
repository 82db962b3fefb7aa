// INTERIM: the adapters package is getting the real folder/S3 blob stores and the
// content sniffer (issue 4). Until they land, API tests use these minimal real
// implementations; replace the imports in api-harness.ts when they do.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BlobStore, type DocumentContentType, PermanentError, ValidationError } from '@paperlane/core';

export function interimFolderBlobStore(root: string): BlobStore {
  const path = (key: string) => {
    if (!/^[A-Za-z0-9_./-]+$/.test(key) || key.includes('..')) throw new ValidationError('bad key');
    return join(root, key);
  };
  return {
    async put(key, body) {
      await mkdir(dirname(path(key)), { recursive: true });
      await writeFile(path(key), body);
    },
    async get(key, options) {
      try {
        const bytes = await readFile(path(key));
        if (options?.maxBytes !== undefined && bytes.byteLength > options.maxBytes) {
          throw new ValidationError('too large', { code: 'file_too_large' });
        }
        return new Uint8Array(bytes);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async head(key) {
      try {
        return { sizeBytes: (await stat(path(key))).size };
      } catch {
        return undefined;
      }
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}

export function interimSniff(bytes: Uint8Array): DocumentContentType {
  const b = Buffer.from(bytes.subarray(0, 12));
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  throw new PermanentError('unsupported file type', { code: 'unsupported_file_type' });
}
