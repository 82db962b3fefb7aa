import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  attachmentDisposition,
  type BlobLink,
  type BlobLinkSigner,
  type Clock,
  systemClock,
} from '@paperlane/core';
import type { AwsClientSettings } from '../aws/client-config';
import { assertLinkRequest } from './link-request';
import { s3ClientConfig } from './s3-blob-store';

export interface S3BlobLinksOptions {
  client: S3Client;
  bucket: string;
  clock?: Clock;
}

/**
 * Short-lived file links as S3 presigned GETs: the browser fetches the bytes from
 * the bucket, so nothing large passes through the API function (whose responses
 * Lambda caps at 6 MB). The response's type, disposition and caching are signed
 * into the URL (`response-content-type`, `-disposition`, `-cache-control`), so they
 * cannot be changed either. A link signed with a Lambda role's temporary
 * credentials stops working when those expire, which can be before `expiresAt`.
 *
 * @example
 * const links = createS3BlobLinks({ client: new S3Client(s3ClientConfig()), bucket: 'paperlane-files' });
 * const { url } = await links.sign(target, { expiresInSeconds: 300 }); // https://…?X-Amz-Signature=…
 */
export function createS3BlobLinks(options: S3BlobLinksOptions): BlobLinkSigner {
  const { client, bucket } = options;
  const clock = options.clock ?? systemClock;
  return {
    async sign(target, { expiresInSeconds }): Promise<BlobLink> {
      assertLinkRequest(target, expiresInSeconds);
      // Whole seconds, as SigV4 dates are: `expiresAt` is then exactly when S3 stops serving it.
      const signedAt = new Date(Math.floor(clock.now().getTime() / 1000) * 1000);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: target.key,
        ResponseContentType: target.contentType,
        ResponseContentDisposition: target.fileName ? attachmentDisposition(target.fileName) : 'inline',
        ResponseCacheControl: `private, max-age=${expiresInSeconds}`,
      });
      const url = await getSignedUrl(client, command, { expiresIn: expiresInSeconds, signingDate: signedAt });
      return { url, expiresAt: new Date(signedAt.getTime() + expiresInSeconds * 1000).toISOString() };
    },
  };
}

/**
 * Presigned links with their own client, from endpoint/region settings.
 *
 * @example
 * const links = createS3BlobLinksFromSettings({ bucket: 'paperlane-files', endpoint: process.env.AWS_ENDPOINT_URL_S3 });
 */
export function createS3BlobLinksFromSettings(
  options: AwsClientSettings & { bucket: string; clock?: Clock },
): BlobLinkSigner {
  const { bucket, clock, ...settings } = options;
  return createS3BlobLinks({
    client: new S3Client(s3ClientConfig(settings)),
    bucket,
    ...(clock ? { clock } : {}),
  });
}
