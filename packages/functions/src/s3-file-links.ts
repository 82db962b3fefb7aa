import { createLazyS3BlobLinks } from '@paperlane/adapters/blob/lazy-s3-blob-links';
import { s3LinkOrigin } from '@paperlane/adapters/blob/s3-link-origin';
import type { BlobLinkSigner } from '@paperlane/core';
import type { Config } from './config/config';

/**
 * Short-lived links to the bucket's files as S3 presigned GETs (the presigner loads
 * on the first link): what the API function hands out, so large files never pass
 * through it. A file of its own so that only the API's bundle carries the presigner.
 *
 * @example buildApiDeps({ ...wiring, fileLinks: s3FileLinksFor(wiring.config) }, extras)
 */
export function s3FileLinksFor(config: Config): { signer: BlobLinkSigner; origin: string } {
  const settings = {
    bucket: config.env.BUCKET_NAME,
    region: config.env.AWS_REGION,
    ...(config.endpoints.s3 ? { endpoint: config.endpoints.s3 } : {}),
  };
  return { signer: createLazyS3BlobLinks(settings), origin: s3LinkOrigin(settings) };
}
