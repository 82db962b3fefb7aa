/**
 * CORS for browser uploads straight to the bucket: presigned POST (form fields +
 * file) and presigned PUT, and reading results through presigned GETs. One policy,
 * rendered for SST (deploy) and for the S3 API (the local bootstrap).
 */
export interface UploadCors {
  origins: string[];
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT'] as const;
/** `Location` and `ETag` come back from a presigned POST with `success_action_status`. */
const EXPOSE = ['ETag', 'Location', 'x-amz-request-id'];
const MAX_AGE_SECONDS = 3600;

export function sstBucketCors({ origins }: UploadCors): NonNullable<Exclude<Sst.BucketArgs['cors'], false>> {
  return {
    allowOrigins: origins,
    allowMethods: [...METHODS],
    allowHeaders: ['*'],
    exposeHeaders: EXPOSE,
    maxAge: `${MAX_AGE_SECONDS} seconds`,
  };
}

/** The same rules as a `PutBucketCors` `CORSConfiguration`. */
export function s3CorsConfiguration({ origins }: UploadCors) {
  return {
    CORSRules: [
      {
        AllowedOrigins: origins,
        AllowedMethods: [...METHODS],
        AllowedHeaders: ['*'],
        ExposeHeaders: EXPOSE,
        MaxAgeSeconds: MAX_AGE_SECONDS,
      },
    ],
  };
}
