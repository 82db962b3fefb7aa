import type { BlobStore, Clock } from '@paperlane/core';
import type { AwsClientSettings } from '../aws/client-config';

/**
 * The S3 BlobStore, its SDK client loaded on the first file operation: about 200 KB
 * of init code (client-s3, its checksums and middleware) that a function answering
 * a job status or a webhook call never runs. Same behaviour as
 * `createS3BlobStoreFromSettings` once loaded.
 */
export function createLazyS3BlobStore(
  options: AwsClientSettings & { bucket: string; clock?: Clock },
): BlobStore {
  let loading: Promise<BlobStore> | undefined;
  const store = (): Promise<BlobStore> => {
    loading ??= import('./s3-blob-store')
      .then((module) => module.createS3BlobStoreFromSettings(options))
      .catch((error: unknown) => {
        loading = undefined; // a failed load is tried again by the next call
        throw error;
      });
    return loading;
  };
  return {
    put: async (key, body, putOptions) => (await store()).put(key, body, putOptions),
    get: async (key, getOptions) => (await store()).get(key, getOptions),
    head: async (key) => (await store()).head(key),
    delete: async (key) => (await store()).delete(key),
    presignUpload: async (key, presignOptions) => {
      const loaded = await store();
      if (!loaded.presignUpload) throw new Error('the S3 blob store cannot presign uploads');
      return loaded.presignUpload(key, presignOptions);
    },
  };
}
