import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { attachmentDisposition, blobKeys } from '@paperlane/core';
import { type FauxqsServer, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLazyS3BlobLinks } from './lazy-s3-blob-links';
import { createS3BlobLinks } from './s3-blob-links';
import { createS3BlobStore, s3ClientConfig } from './s3-blob-store';

let faux: FauxqsServer;
let client: S3Client;
const bucket = 'paperlane-files';
const key = blobKeys.original('acme', 'doc_1');
const bytes = new TextEncoder().encode('%PDF-1.7 the original bytes');
const signedAt = new Date('2026-12-05T08:00:00.400Z');
const target = {
  tenantId: 'acme',
  documentId: 'doc_1',
  key,
  kind: 'original' as const,
  contentType: 'application/pdf',
  fileName: 'Rechnung "März".pdf',
};

beforeAll(async () => {
  faux = await startFauxqs();
  client = new S3Client({
    ...s3ClientConfig({ endpoint: faux.endpoint, region: 'us-east-1' }),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  await createS3BlobStore({ client, bucket }).put(key, bytes, { contentType: 'application/octet-stream' });
});
afterAll(async () => {
  client.destroy();
  await faux.stop();
});

/**
 * fauxqs serves a presigned GET without checking its signature or applying the
 * `response-*` overrides, so what S3 itself enforces is asserted on the URL: the
 * overrides and the lifetime are in the query string SigV4 signs.
 */
describe('S3 presigned file links (against fauxqs S3)', () => {
  it('signs a GET that plain fetch follows to the bytes', async () => {
    const links = createS3BlobLinks({ client, bucket });
    const link = await links.sign(target, { expiresInSeconds: 300 });
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it('signs the response type, download name, caching and lifetime into the URL', async () => {
    const links = createS3BlobLinks({ client, bucket, clock: { now: () => signedAt } });
    const link = await links.sign(target, { expiresInSeconds: 120 });
    const url = new URL(link.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${faux.endpoint}/${bucket}/${key}`);
    const query = url.searchParams;
    expect(query.get('response-content-type')).toBe('application/pdf');
    expect(query.get('response-content-disposition')).toBe(attachmentDisposition(target.fileName));
    expect(query.get('response-cache-control')).toBe('private, max-age=120');
    expect(query.get('X-Amz-Expires')).toBe('120');
    expect(query.get('X-Amz-Date')).toBe('20261205T080000Z');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    // The overrides are among the signed query parameters (SigV4 signs the whole query string).
    expect(query.get('X-Amz-SignedHeaders')).toBe('host');
    expect(link.expiresAt).toBe('2026-12-05T08:02:00.000Z');
    // No header can be smuggled through the name: the disposition has no CR/LF.
    expect(query.get('response-content-disposition')).not.toMatch(/[\r\n]/);
  });

  it('shows a thumbnail inline, and refuses bad lifetimes and keys', async () => {
    const links = createS3BlobLinks({ client, bucket });
    const thumbnail = await links.sign(
      {
        ...target,
        kind: 'thumbnail',
        width: 300,
        key: blobKeys.thumbnail('acme', 'doc_1', 300),
        contentType: 'image/webp',
        fileName: undefined,
      },
      { expiresInSeconds: 60 },
    );
    expect(new URL(thumbnail.url).searchParams.get('response-content-disposition')).toBe('inline');
    await expect(links.sign(target, { expiresInSeconds: 3601 })).rejects.toMatchObject({
      code: 'invalid_link_lifetime',
    });
    await expect(links.sign({ ...target, key: '../secret' }, { expiresInSeconds: 60 })).rejects.toMatchObject(
      {
        code: 'invalid_blob_key',
      },
    );
  });

  it('loads the presigner on the first link when lazy', async () => {
    const links = createLazyS3BlobLinks({ bucket, endpoint: faux.endpoint, region: 'us-east-1' });
    const link = await links.sign(target, { expiresInSeconds: 60 });
    expect(new Uint8Array(await (await fetch(link.url)).arrayBuffer())).toEqual(bytes);
  });
});
