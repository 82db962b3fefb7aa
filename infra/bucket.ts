import { sstNames } from '@paperlane/core';
import { sstBucketCors, type UploadCors } from './bucket-cors';

/** Uploaded documents and derived files (thumbnails, OCR text). Private; clients use presigned URLs. */
export function filesBucket(options: UploadCors & { production: boolean }) {
  return new sst.aws.Bucket(sstNames.bucket, {
    cors: sstBucketCors(options),
    // Recover from an overwrite or delete in production; dev stages stay cheap.
    versioning: options.production,
  });
}
