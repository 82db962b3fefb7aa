import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startSilentServer } from '@paperlane/testing';
import { describe, expect, it } from 'vitest';
import { awsClientConfig, SQS_REQUEST_TIMEOUT_MS, sqsClientConfig } from './client-config';

describe('awsClientConfig', () => {
  it('bounds each attempt only when asked: an SQS client always, an S3 client (large transfers) not by default', () => {
    expect(sqsClientConfig({ region: 'eu-west-1' }).requestHandler).toEqual({
      connectionTimeout: 3_000,
      requestTimeout: SQS_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    // Longer than the longest long-poll receive (20 s).
    expect(SQS_REQUEST_TIMEOUT_MS).toBeGreaterThan(20_000);
    expect(awsClientConfig({ region: 'eu-west-1' })).not.toHaveProperty('requestHandler');
  });

  it('sizes the connection pool when asked (a poller needs one connection per loop)', () => {
    expect(sqsClientConfig({ maxSockets: 33 }).requestHandler).toMatchObject({
      requestTimeout: SQS_REQUEST_TIMEOUT_MS,
      httpAgent: { maxSockets: 33 },
      httpsAgent: { maxSockets: 33 },
    });
    expect(sqsClientConfig({}).requestHandler).not.toHaveProperty('httpAgent');
  });

  it('a bounded client fails a call the server accepted and never answers, instead of waiting for good', async () => {
    const silent = await startSilentServer();
    const client = new S3Client({
      ...awsClientConfig({ endpoint: silent.endpoint, region: 'us-east-1', requestTimeoutMs: 200 }),
      forcePathStyle: true,
    });
    try {
      await expect(client.send(new HeadBucketCommand({ Bucket: 'b' }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      // It reached the server: the failure is the request timeout, not the connection.
      expect(silent.requests()).toBeGreaterThanOrEqual(1);
    } finally {
      client.destroy();
      await silent.close();
    }
  });
});
