export { assertBlobKey } from './blob-key';
export { createFolderBlobStore, type FolderBlobStoreOptions } from './folder-blob-store';
export {
  createHmacBlobLinks,
  type HmacBlobLinks,
  type HmacBlobLinksOptions,
  MAX_FILE_TOKEN_CHARS,
} from './hmac-blob-links';
export { createLazyS3BlobLinks } from './lazy-s3-blob-links';
export { readCapped } from './read-capped';
export { createS3BlobLinks, createS3BlobLinksFromSettings, type S3BlobLinksOptions } from './s3-blob-links';
export {
  createS3BlobStore,
  createS3BlobStoreFromSettings,
  type S3BlobStoreOptions,
  s3ClientConfig,
} from './s3-blob-store';
export { s3LinkOrigin } from './s3-link-origin';
