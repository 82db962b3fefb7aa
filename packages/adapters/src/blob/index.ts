export { assertBlobKey } from './blob-key';
export { createFolderBlobStore, type FolderBlobStoreOptions } from './folder-blob-store';
export { readCapped } from './read-capped';
export {
  createS3BlobStore,
  createS3BlobStoreFromSettings,
  type S3BlobStoreOptions,
  s3ClientConfig,
} from './s3-blob-store';
