import type { AwsClientSettings } from '../aws/client-config';

/**
 * The origin (scheme, host, port) of the presigned links `createS3BlobLinks` signs
 * with these settings, without loading the SDK: an endpoint's own origin (emulators
 * are addressed by path), else the bucket's virtual host in its region, or the
 * regional host for a bucket name with dots (which a virtual host's TLS certificate
 * cannot cover, so the SDK addresses it by path). The console's Content-Security-Policy
 * allows images from exactly this origin. Commercial AWS partition only.
 *
 * @example s3LinkOrigin({ bucket: 'paperlane-files', region: 'eu-west-1' }) // 'https://paperlane-files.s3.eu-west-1.amazonaws.com'
 */
export function s3LinkOrigin(settings: AwsClientSettings & { bucket: string }): string {
  if (settings.endpoint) return new URL(settings.endpoint).origin;
  const region = settings.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const host = settings.bucket.includes('.')
    ? `s3.${region}.amazonaws.com`
    : `${settings.bucket}.s3.${region}.amazonaws.com`;
  return new URL(`https://${host}`).origin;
}
