import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BlobStore, blobKeys } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFolderBlobStore } from './folder-blob-store';

let root: string;
let outside: string;
let blobs: BlobStore;
const key = blobKeys.original('t_1', 'd_1');

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'paperlane-folder-store-'));
  root = join(base, 'blobs');
  outside = join(base, 'secret.txt');
  await writeFile(outside, 'top secret');
  blobs = createFolderBlobStore({ root });
});
afterAll(async () => {
  await rm(join(root, '..'), { recursive: true, force: true });
});

describe('folder blob store', () => {
  it('stores, reads, describes and deletes an object, leaving no temporary files', async () => {
    const body = new Uint8Array([1, 2, 3, 4]);
    await blobs.put(key, body, { contentType: 'image/png', metadata: { source: 'upload' } });
    expect(await blobs.get(key)).toEqual(body);
    expect(await blobs.head(key)).toEqual({ sizeBytes: 4, contentType: 'image/png' });
    expect((await listAll(root)).filter((p) => p.endsWith('.tmp'))).toEqual([]);
    await blobs.delete(key);
    expect(await blobs.get(key)).toBeUndefined();
    expect(await blobs.head(key)).toBeUndefined();
    await expect(blobs.delete(key)).resolves.toBeUndefined();
    await expect(blobs.delete('tenants/t_1')).resolves.toBeUndefined(); // a folder, not an object
  });

  it('replaces objects whole: concurrent writers leave one complete version', async () => {
    const versions = Array.from({ length: 8 }, (_, i) => new Uint8Array(64 * 1024).fill(i));
    await Promise.all(versions.map((v) => blobs.put(key, v, { contentType: 'image/png' })));
    const stored = await blobs.get(key);
    expect(stored?.byteLength).toBe(64 * 1024);
    expect(new Set(stored)).toHaveProperty('size', 1);
    expect((await listAll(root)).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses reads past maxBytes', async () => {
    await blobs.put(key, new Uint8Array(2048), { contentType: 'image/png' });
    await expect(blobs.get(key, { maxBytes: 2047 })).rejects.toMatchObject({ code: 'file_too_large' });
    expect((await blobs.get(key, { maxBytes: 2048 }))?.byteLength).toBe(2048);
  });

  it.each([
    '../secret.txt',
    '/etc/passwd',
    'tenants/t_1/../../secret.txt',
    'a\0b',
    'tenants/t_1/.d_1.meta.json',
  ])('refuses the hostile key %j for every operation', async (hostile) => {
    await expect(blobs.put(hostile, new Uint8Array([1]), { contentType: 'x' })).rejects.toMatchObject({
      code: 'invalid_blob_key',
    });
    await expect(blobs.get(hostile)).rejects.toMatchObject({ code: 'invalid_blob_key' });
    await expect(blobs.head(hostile)).rejects.toMatchObject({ code: 'invalid_blob_key' });
    await expect(blobs.delete(hostile)).rejects.toMatchObject({ code: 'invalid_blob_key' });
  });

  it('does not follow a symlink planted in the store', async () => {
    await blobs.put(blobKeys.original('t_2', 'd_1'), new Uint8Array([1]), { contentType: 'x' });
    await symlink(outside, join(root, 'tenants', 't_2', 'documents', 'd_1', 'link'));
    await expect(blobs.get('tenants/t_2/documents/d_1/link')).rejects.toMatchObject({
      code: 'invalid_blob_key',
    });
    expect(await blobs.head('tenants/t_2/documents/d_1/link')).toBeUndefined();
  });

  it('has no presigned uploads', () => {
    expect(blobs.presignUpload).toBeUndefined();
  });
});
