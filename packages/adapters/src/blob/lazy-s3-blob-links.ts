import type { BlobLinkSigner, Clock } from '@paperlane/core';
import type { AwsClientSettings } from '../aws/client-config';

/**
 * S3 presigned links, the SDK client and the presigner loaded on the first link: the
 * API function answers most requests without them. Same behaviour as
 * `createS3BlobLinksFromSettings` once loaded.
 *
 * @example
 * const links = createLazyS3BlobLinks({ bucket: 'paperlane-files', region: 'eu-west-1' });
 */
export function createLazyS3BlobLinks(
  options: AwsClientSettings & { bucket: string; clock?: Clock },
): BlobLinkSigner {
  let loading: Promise<BlobLinkSigner> | undefined;
  const signer = (): Promise<BlobLinkSigner> => {
    loading ??= import('./s3-blob-links')
      .then((module) => module.createS3BlobLinksFromSettings(options))
      .catch((error: unknown) => {
        loading = undefined; // a failed load is tried again by the next call
        throw error;
      });
    return loading;
  };
  return { sign: async (target, signOptions) => (await signer()).sign(target, signOptions) };
}
