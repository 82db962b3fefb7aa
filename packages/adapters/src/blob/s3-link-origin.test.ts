import { S3Client } from '@aws-sdk/client-s3';
import { blobKeys } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createS3BlobLinks } from './s3-blob-links';
import { s3ClientConfig } from './s3-blob-store';
import { s3LinkOrigin } from './s3-link-origin';

/** Presigning is local arithmetic: the SDK signs with these made-up keys and sends nothing. */
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example-secret' };

async function signedOrigin(settings: { bucket: string; region: string; endpoint?: string }) {
  const { bucket, ...rest } = settings;
  const links = createS3BlobLinks({ client: new S3Client({ ...s3ClientConfig(rest), credentials }), bucket });
  const { url } = await links.sign(
    {
      tenantId: 't',
      documentId: 'd',
      key: blobKeys.original('t', 'd'),
      kind: 'original',
      contentType: 'application/pdf',
    },
    { expiresInSeconds: 60 },
  );
  return new URL(url).origin;
}

describe('s3LinkOrigin', () => {
  it('is the origin the SDK presigns for, without loading the SDK', async () => {
    const cases = [
      { bucket: 'paperlane-prod-files-abc123', region: 'us-east-1' },
      { bucket: 'paperlane-prod-files-abc123', region: 'eu-west-1' },
      { bucket: 'paperlane-prod-files-abc123', region: 'ap-southeast-2' },
      { bucket: 'a.dotted.bucket', region: 'eu-central-1' },
      { bucket: 'paperlane-files', region: 'us-east-1', endpoint: 'http://localhost:4566' },
      { bucket: 'paperlane-files', region: 'us-east-1', endpoint: 'http://127.0.0.1:9324/some/path' },
    ];
    for (const settings of cases) {
      expect(s3LinkOrigin(settings), JSON.stringify(settings)).toBe(await signedOrigin(settings));
    }
  });

  it('is a bare origin, so it can stand in a CSP source list', () => {
    expect(s3LinkOrigin({ bucket: 'b', region: 'eu-west-1', endpoint: 'http://localhost:4566/x;y' })).toBe(
      'http://localhost:4566',
    );
  });
});
