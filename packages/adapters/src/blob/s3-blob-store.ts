import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import {
  AbortedError,
  type BlobInfo,
  type BlobStore,
  type Clock,
  ConfigError,
  type PresignedUpload,
  RetryableError,
  systemClock,
  ValidationError,
} from '@paperlane/core';
import { type AwsClientSettings, awsClientConfig } from '../aws/client-config';
import { assertBlobKey } from './blob-key';
import { readCapped } from './read-capped';

/**
 * S3 client settings: the shared AWS config plus path-style addressing whenever
 * an endpoint is set, since emulators (fauxqs, LocalStack) serve buckets by path.
 *
 * @example
 * new S3Client(s3ClientConfig({ endpoint: process.env.AWS_ENDPOINT_URL }))
 */
export function s3ClientConfig(settings: AwsClientSettings = {}): S3ClientConfig {
  return { ...awsClientConfig(settings), ...(settings.endpoint ? { forcePathStyle: true } : {}) };
}

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** For `expiresAt` of presigned uploads. */
  clock?: Clock;
}

interface SdkError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const isNotFound = (error: unknown) => {
  const shape = error as SdkError;
  return (
    shape?.name === 'NoSuchKey' || shape?.name === 'NotFound' || shape?.$metadata?.httpStatusCode === 404
  );
};

function s3Error(error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted) return new AbortedError('S3 call aborted', { cause: error });
  if (error instanceof ValidationError) return error;
  const shape = (error ?? {}) as SdkError;
  const name = shape.name ?? '';
  if (name === 'NoSuchBucket' || name === 'AccessDenied' || name === 'InvalidAccessKeyId') {
    return new ConfigError(`S3 ${name}: ${shape.message ?? ''}`, {
      code: 'blob_store_misconfigured',
      cause: error,
    });
  }
  if (name === 'SlowDown' || shape.$fault === 'server' || (shape.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new RetryableError(`S3 ${name || 'error'}: ${shape.message ?? ''}`, {
      code: 'blob_store_unavailable',
      cause: error,
    });
  }
  return error;
}

/** The SDK's Node body: a Readable with `destroy`, iterable as chunks. */
type NodeBody = AsyncIterable<Uint8Array> & { destroy?: () => void };

/**
 * The BlobStore on S3. Reads are capped: an object over `maxBytes` is refused
 * from its Content-Length when S3 sends one, and otherwise the moment the stream
 * passes the cap (the connection is dropped, the rest never downloaded).
 *
 * @example
 * const blobs = createS3BlobStore({ client: new S3Client(s3ClientConfig()), bucket: Resource.Files.name });
 * await blobs.put(blobKeys.original(tenantId, documentId), bytes, { contentType: 'application/pdf' });
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { client, bucket } = options;
  const clock = options.clock ?? systemClock;

  return {
    async put(key, body, { contentType, metadata }) {
      assertBlobKey(key);
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: body.byteLength,
            ContentType: contentType,
            ...(metadata ? { Metadata: metadata } : {}),
          }),
        );
      } catch (error) {
        throw s3Error(error);
      }
    },

    async get(key, getOptions = {}) {
      assertBlobKey(key);
      const { maxBytes = Number.POSITIVE_INFINITY, signal } = getOptions;
      let body: NodeBody | undefined;
      try {
        const response = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key }),
          signal ? { abortSignal: signal } : {},
        );
        body = response.Body as NodeBody | undefined;
        if (!body) return new Uint8Array();
        if (response.ContentLength !== undefined && response.ContentLength > maxBytes) {
          body.destroy?.();
          throw new ValidationError(`the object is larger than ${maxBytes} bytes`, {
            code: 'file_too_large',
          });
        }
        return await readCapped(body, maxBytes, () => body?.destroy?.(), signal);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw s3Error(error, signal);
      }
    },

    async head(key): Promise<BlobInfo | undefined> {
      assertBlobKey(key);
      try {
        const response = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          sizeBytes: response.ContentLength ?? 0,
          ...(response.ContentType ? { contentType: response.ContentType } : {}),
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw s3Error(error);
      }
    },

    async delete(key) {
      assertBlobKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isNotFound(error)) return;
        throw s3Error(error);
      }
    },

    async presignUpload(key, { contentType, maxBytes, expiresSeconds }): Promise<PresignedUpload> {
      assertBlobKey(key);
      if (!Number.isInteger(maxBytes) || maxBytes < 1) {
        throw new ValidationError('maxBytes must be a positive integer', { code: 'invalid_upload' });
      }
      if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > 7 * 24 * 3600) {
        throw new ValidationError('expiresSeconds must be between 1 s and 7 days', {
          code: 'invalid_upload',
        });
      }
      const issuedAt = clock.now().getTime();
      const { url, fields } = await createPresignedPost(client, {
        Bucket: bucket,
        Key: key,
        // S3 enforces these: no empty uploads, none over the cap, only the agreed type.
        Conditions: [
          ['content-length-range', 1, maxBytes],
          ['eq', '$Content-Type', contentType],
        ],
        Fields: { 'Content-Type': contentType },
        Expires: expiresSeconds,
      });
      return { url, fields, expiresAt: new Date(issuedAt + expiresSeconds * 1000).toISOString() };
    },
  };
}

/**
 * A store with its own client, from endpoint/region settings.
 *
 * @example
 * const blobs = createS3BlobStoreFromSettings({ bucket: 'paperlane-files', endpoint: process.env.AWS_ENDPOINT_URL });
 */
export function createS3BlobStoreFromSettings(
  options: AwsClientSettings & { bucket: string; clock?: Clock },
): BlobStore {
  const { bucket, clock, ...settings } = options;
  return createS3BlobStore({
    client: new S3Client(s3ClientConfig(settings)),
    bucket,
    ...(clock ? { clock } : {}),
  });
}
