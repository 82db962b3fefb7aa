import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BlobStore, blobKeys } from '@paperlane/core';
import { type FauxqsServer, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLazyS3BlobStore } from './lazy-s3-blob-store';
import { createS3BlobStore, s3ClientConfig } from './s3-blob-store';

let faux: FauxqsServer;
let client: S3Client;
let blobs: BlobStore;
const bucket = 'paperlane-files';
const key = blobKeys.original('t_1', 'd_1');

beforeAll(async () => {
  faux = await startFauxqs();
  client = new S3Client({
    ...s3ClientConfig({ endpoint: faux.endpoint, region: 'us-east-1' }),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  blobs = createS3BlobStore({ client, bucket, clock: { now: () => new Date('2026-11-22T10:00:00Z') } });
});
afterAll(async () => {
  client.destroy();
  await faux.stop();
});

describe('S3 blob store (against fauxqs S3)', () => {
  it('uses path-style addressing whenever an endpoint is set', () => {
    expect(s3ClientConfig({ endpoint: 'http://localhost:4566' }).forcePathStyle).toBe(true);
    expect(s3ClientConfig({}).forcePathStyle).toBeUndefined();
  });

  it('stores, reads, describes and deletes an object', async () => {
    const body = new TextEncoder().encode('%PDF-1.7 hello');
    await blobs.put(key, body, { contentType: 'application/pdf', metadata: { sha256: 'abc' } });
    expect(await blobs.get(key)).toEqual(body);
    expect(await blobs.head(key)).toEqual({ sizeBytes: body.byteLength, contentType: 'application/pdf' });
    const raw = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(raw.Metadata).toEqual({ sha256: 'abc' });
    await blobs.delete(key);
    expect(await blobs.get(key)).toBeUndefined();
    expect(await blobs.head(key)).toBeUndefined();
    await expect(blobs.delete(key)).resolves.toBeUndefined();
  });

  it('refuses to read past maxBytes', async () => {
    const big = new Uint8Array(256 * 1024).fill(7);
    await blobs.put(key, big, { contentType: 'image/png' });
    await expect(blobs.get(key, { maxBytes: 1000 })).rejects.toMatchObject({
      code: 'file_too_large',
      permanent: true,
    });
    expect((await blobs.get(key, { maxBytes: big.byteLength }))?.byteLength).toBe(big.byteLength);
  });

  it('refuses hostile keys before calling S3', async () => {
    for (const hostile of ['../etc/passwd', '/abs/key', 'tenants/t_1/../t_2/x', 'a\0b']) {
      await expect(
        blobs.put(hostile, new Uint8Array([1]), { contentType: 'image/png' }),
      ).rejects.toMatchObject({
        code: 'invalid_blob_key',
      });
      await expect(blobs.get(hostile)).rejects.toMatchObject({ code: 'invalid_blob_key' });
    }
  });

  it('aborts a read when the signal fires', async () => {
    await blobs.put(key, new Uint8Array(10), { contentType: 'image/png' });
    const controller = new AbortController();
    controller.abort();
    await expect(blobs.get(key, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortedError',
    });
  });

  it('presigns a browser upload that S3 will hold to the size range and content type', async () => {
    const upload = await blobs.presignUpload!(key, {
      contentType: 'application/pdf',
      maxBytes: 5_000_000,
      expiresSeconds: 900,
    });
    expect(upload.url).toBe(`${faux.endpoint}/${bucket}`);
    expect(upload.expiresAt).toBe('2026-11-22T10:15:00.000Z');
    expect(upload.fields).toMatchObject({ key, 'Content-Type': 'application/pdf' });
    const policy = JSON.parse(Buffer.from(upload.fields.Policy ?? '', 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 5_000_000],
        ['eq', '$Content-Type', 'application/pdf'],
        { bucket },
        { key },
      ]),
    );
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(900_000);
    await expect(
      blobs.presignUpload!(key, { contentType: 'application/pdf', maxBytes: 0, expiresSeconds: 900 }),
    ).rejects.toMatchObject({ code: 'invalid_upload' });
  });
});

describe('lazy S3 blob store (the SDK loaded on first use)', () => {
  it('behaves as the eager store on the same bucket, hostile keys and presigning included', async () => {
    const lazy = createLazyS3BlobStore({ bucket, endpoint: faux.endpoint, region: 'us-east-1' });
    const lazyKey = blobKeys.ocrText('t_1', 'd_lazy');
    const body = new TextEncoder().encode('invoice text');
    await lazy.put(lazyKey, body, { contentType: 'text/plain' });
    // Written through the lazy store, read through the eager one: one bucket, one format.
    expect(await blobs.get(lazyKey)).toEqual(body);
    expect(await lazy.head(lazyKey)).toEqual({ sizeBytes: body.byteLength, contentType: 'text/plain' });
    await expect(lazy.get(lazyKey, { maxBytes: 3 })).rejects.toMatchObject({ code: 'file_too_large' });
    await expect(lazy.put('../escape', body, { contentType: 'text/plain' })).rejects.toMatchObject({
      permanent: true,
    });
    const upload = await lazy.presignUpload?.(lazyKey, {
      contentType: 'application/pdf',
      maxBytes: 1000,
      expiresSeconds: 60,
    });
    expect(upload?.fields.Policy).toBeTypeOf('string');
    await lazy.delete(lazyKey);
    expect(await blobs.head(lazyKey)).toBeUndefined();
  });
});
