import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters/aws/client-config';
import {
  DEFAULT_TOPOLOGY,
  maxReceiveCount,
  QUEUE_NAMES,
  resolveTopology,
  sqsQueueNames,
} from '@paperlane/core';
import { INDEXES } from '@paperlane/store';
import { type DynaliteServer, type FauxqsServer, startDynalite, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapLocalStack, describeSummary } from './bootstrap';
import { readLocalStackEnv } from './env';

const DAY = 86_400;
let fauxqs: FauxqsServer;
let dynalite: DynaliteServer;
let env: Record<string, string>;

beforeAll(async () => {
  [fauxqs, dynalite] = await Promise.all([startFauxqs(), startDynalite()]);
  env = {
    AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
    AWS_ENDPOINT_URL_S3: fauxqs.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    QUEUE_PREFIX: 'boot-',
    TABLE_NAME: 'boot-table',
    BUCKET_NAME: 'boot-files',
    JOB_RETRY_ATTEMPTS_THUMBNAIL: '7',
  };
});
afterAll(async () => {
  await Promise.all([fauxqs?.stop(), dynalite?.stop()]);
});

async function attributes(sqs: SQSClient, name: string) {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return Attributes ?? {};
}

describe('stack:bootstrap', () => {
  it('creates every lane, DLQ, the table and the bucket, then finds them all on a second run', async () => {
    const first = await bootstrapLocalStack(env);
    const expected = QUEUE_NAMES.flatMap((q) => Object.values(sqsQueueNames(q, 'boot-')));
    expect(first.queues.created.sort()).toEqual([...expected].sort());
    expect(first.queues.existing).toEqual([]);
    // dynalite has no UpdateTimeToLive: reported, not fatal (LocalStack and AWS enable it).
    expect(first.table).toEqual({ name: 'boot-table', created: true, ttl: 'unsupported' });
    expect(first.bucket).toEqual({ name: 'boot-files', created: true });

    const second = await bootstrapLocalStack(env);
    expect(second.queues.created).toEqual([]);
    expect(second.queues.existing.sort()).toEqual([...expected].sort());
    expect(second.table.created).toBe(false);
    expect(second.bucket.created).toBe(false);
    expect(describeSummary(second, readLocalStackEnv(env))).toEqual([
      `SQS ${fauxqs.endpoint}: 18 queues (0 created, 18 already there)`,
      `DynamoDB ${dynalite.endpoint}: table boot-table already there, TTL on "ttl" not supported by this endpoint (LocalStack and AWS have it)`,
      `S3 ${fauxqs.endpoint}: bucket boot-files already there, CORS for *`,
    ]);
  });

  it('gives the queues the topology’s visibility, retention and redrive, overrides included', async () => {
    const sqs = new SQSClient(awsClientConfig({ endpoint: fauxqs.endpoint }));
    const topology = resolveTopology(env);
    try {
      for (const queue of QUEUE_NAMES) {
        const t = topology[queue];
        const names = sqsQueueNames(queue, 'boot-');
        const dlq = await attributes(sqs, names.dlq);
        expect(Number(dlq.MessageRetentionPeriod)).toBe(14 * DAY);
        for (const lane of [names.high, names.low]) {
          const a = await attributes(sqs, lane);
          expect(Number(a.VisibilityTimeout)).toBe(t.visibilityTimeoutSeconds);
          expect(Number(a.MessageRetentionPeriod)).toBe(t.messageRetentionDays * DAY);
          expect(JSON.parse(a.RedrivePolicy ?? '{}')).toEqual({
            deadLetterTargetArn: dlq.QueueArn,
            maxReceiveCount: maxReceiveCount(t),
          });
        }
      }
      expect(maxReceiveCount(topology.thumbnail)).toBe(12);
      expect(maxReceiveCount(topology.thumbnail)).not.toBe(maxReceiveCount(DEFAULT_TOPOLOGY.thumbnail));
    } finally {
      sqs.destroy();
    }
  });

  it("creates the table with the store's indexes, and the bucket", async () => {
    const dynamodb = new DynamoDBClient(awsClientConfig({ endpoint: dynalite.endpoint }));
    const s3 = new S3Client({ ...awsClientConfig({ endpoint: fauxqs.endpoint }), forcePathStyle: true });
    try {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'boot-table' }));
      expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
        Object.values(INDEXES)
          .map((i) => i.name)
          .sort(),
      );
      // fauxqs accepts PutBucketCors but keeps no CORS state; LocalStack applies it.
      await expect(s3.send(new HeadBucketCommand({ Bucket: 'boot-files' }))).resolves.toBeDefined();
    } finally {
      dynamodb.destroy();
      s3.destroy();
    }
  });

  it('refuses to run without an endpoint per service, naming what to set', async () => {
    await expect(bootstrapLocalStack({ AWS_ENDPOINT_URL_SQS: fauxqs.endpoint })).rejects.toThrow(
      'no endpoint for dynamodb, s3: set AWS_ENDPOINT_URL (LocalStack: http://localhost:4566) or AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3; the bootstrap only provisions local stacks (deploy to AWS with npx sst deploy)',
    );
    await expect(
      bootstrapLocalStack({ AWS_ENDPOINT_URL: 'localhost:4566', BUCKET_NAME: 'Bad_Bucket' }),
    ).rejects.toThrow(/AWS_ENDPOINT_URL must be an http\(s\) URL.*BUCKET_NAME must be 3-63 lowercase/);
  });

  it('says what to do when nothing listens at the endpoint', async () => {
    await expect(bootstrapLocalStack({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' })).rejects.toThrow(
      /cannot reach SQS at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\); is LocalStack up\?/,
    );
  });
});
