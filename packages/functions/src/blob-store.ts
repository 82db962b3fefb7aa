import { join } from 'node:path';
import { createFolderBlobStore } from '@paperlane/adapters/blob/folder-blob-store';
import { createLazyS3BlobStore } from '@paperlane/adapters/blob/lazy-s3-blob-store';
import type { BlobStore } from '@paperlane/core';
import type { Config } from './config/config';

/** Files in DATA_DIR/files when no S3 endpoint is set (off AWS); S3 (AWS, LocalStack, an emulator) otherwise. */
export function blobStoreFor(config: Config): BlobStore {
  if (config.embed.files) return createFolderBlobStore({ root: join(config.env.DATA_DIR, 'files') });
  return s3BlobStoreFor(config);
}

/**
 * The bucket alone: what the Lambda wiring uses (a function never has a local folder), so
 * the folder store stays out of its bundle.
 */
export function s3BlobStoreFor(config: Config): BlobStore {
  return createLazyS3BlobStore({
    bucket: config.env.BUCKET_NAME,
    region: config.env.AWS_REGION,
    ...(config.endpoints.s3 ? { endpoint: config.endpoints.s3 } : {}),
  });
}
