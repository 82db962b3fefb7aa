/**
 * `npm run stack:bootstrap`: creates on LocalStack (or the emulators) what the SST
 * app creates on AWS, from the same sources: every queue's lanes and DLQ with
 * redrive from the core topology (`provisionSqsQueues`), the table from the store's
 * definition (`ensureTable`) with its TTL, and the files bucket with upload CORS. Idempotent:
 * a second run changes nothing and succeeds.
 */
import { pathToFileURL } from 'node:url';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  type CreateBucketCommandInput,
  HeadBucketCommand,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters/aws/client-config';
import { QUEUE_NAMES, resolveTopology, sqsQueueNames } from '@paperlane/core';
import { provisionSqsQueues } from '@paperlane/runtime/adapter/sqs/provision';
import { ensureTable } from '@paperlane/store';
import { s3CorsConfiguration } from '../../infra/bucket-cors';
import { TABLE_TTL_ATTRIBUTE } from '../../infra/table';
import { type LocalStackEnv, readLocalStackEnv } from './env';

export interface BootstrapSummary {
  queues: { created: string[]; existing: string[] };
  /** `ttl`: what became of the TTL the deployed table has (`unsupported`: the emulator has no TTL API). */
  table: { name: string; created: boolean; ttl: 'enabled' | 'already enabled' | 'unsupported' };
  bucket: { name: string; created: boolean };
}

function isNamed(error: unknown, ...names: string[]): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && names.includes(name);
}

/** Turns "connection refused" into what to do about it. */
async function step<T>(service: string, endpoint: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code =
      (error as { code?: unknown; cause?: { code?: unknown } }).code ??
      (error as { cause?: { code?: unknown } }).cause?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET') {
      throw new Error(
        `stack:bootstrap: cannot reach ${service} at ${endpoint} (${String(code)}); is LocalStack up? docker compose -f stacks/local/docker-compose.yml up -d`,
        { cause: error },
      );
    }
    throw error;
  }
}

async function queueNames(client: SQSClient, prefix: string): Promise<Set<string>> {
  const names = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken }),
    );
    for (const url of page.QueueUrls ?? []) names.add(url.slice(url.lastIndexOf('/') + 1));
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

/**
 * The TTL the deployed table gets (WebSocket connections expire by it). dynalite has
 * no UpdateTimeToLive; there the bootstrap says so instead of failing, since the
 * app never relies on expiry for correctness (readers filter expired connections).
 */
async function ensureTtl(client: DynamoDBClient, table: string): Promise<BootstrapSummary['table']['ttl']> {
  const { TimeToLiveDescription: ttl } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: table }),
  );
  const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  if (on && ttl?.AttributeName === TABLE_TTL_ATTRIBUTE) return 'already enabled';
  if (on) {
    throw new Error(
      `stack:bootstrap: table ${table} expires items by "${ttl?.AttributeName}", not "${TABLE_TTL_ATTRIBUTE}"; DynamoDB allows one TTL attribute: recreate the table`,
    );
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_TTL_ATTRIBUTE },
      }),
    );
    return 'enabled';
  } catch (error) {
    if (isNamed(error, 'UnknownOperationException')) return 'unsupported';
    throw error;
  }
}

async function ensureBucket(client: S3Client, settings: LocalStackEnv): Promise<boolean> {
  let created = false;
  try {
    await client.send(new HeadBucketCommand({ Bucket: settings.bucketName }));
  } catch (error) {
    if (!isNamed(error, 'NotFound', 'NoSuchBucket')) throw error;
    const input: CreateBucketCommandInput = { Bucket: settings.bucketName };
    // us-east-1 is S3's default and refuses an explicit location constraint.
    if (settings.region !== 'us-east-1') {
      input.CreateBucketConfiguration = { LocationConstraint: settings.region as never };
    }
    try {
      await client.send(new CreateBucketCommand(input));
      created = true;
    } catch (createError) {
      if (!isNamed(createError, 'BucketAlreadyOwnedByYou')) throw createError;
    }
  }
  await client.send(
    new PutBucketCorsCommand({
      Bucket: settings.bucketName,
      CORSConfiguration: s3CorsConfiguration({ origins: settings.webOrigins }),
    }),
  );
  return created;
}

/**
 * Provisions the local stack the environment points at.
 *
 * @example await bootstrapLocalStack({ AWS_ENDPOINT_URL: 'http://localhost:4566' })
 */
export async function bootstrapLocalStack(
  env: Record<string, string | undefined>,
): Promise<BootstrapSummary> {
  const settings = readLocalStackEnv(env);
  const topology = resolveTopology(env);
  const config = (endpoint: string) => awsClientConfig({ endpoint, region: settings.region });
  const sqs = new SQSClient(config(settings.endpoints.sqs));
  const dynamodb = new DynamoDBClient(config(settings.endpoints.dynamodb));
  const s3 = new S3Client({ ...config(settings.endpoints.s3), forcePathStyle: true });
  try {
    const expected = QUEUE_NAMES.flatMap((queue) =>
      Object.values(sqsQueueNames(queue, settings.queuePrefix)),
    );
    const before = await step('SQS', settings.endpoints.sqs, () => queueNames(sqs, settings.queuePrefix));
    await step('SQS', settings.endpoints.sqs, () => provisionSqsQueues(sqs, topology, settings.queuePrefix));
    const tableBefore = await step('DynamoDB', settings.endpoints.dynamodb, () =>
      tableExists(dynamodb, settings.tableName),
    );
    await step('DynamoDB', settings.endpoints.dynamodb, () => ensureTable(dynamodb, settings.tableName));
    const ttl = await step('DynamoDB', settings.endpoints.dynamodb, () =>
      ensureTtl(dynamodb, settings.tableName),
    );
    const bucketCreated = await step('S3', settings.endpoints.s3, () => ensureBucket(s3, settings));
    return {
      queues: {
        created: expected.filter((name) => !before.has(name)),
        existing: expected.filter((name) => before.has(name)),
      },
      table: { name: settings.tableName, created: !tableBefore, ttl },
      bucket: { name: settings.bucketName, created: bucketCreated },
    };
  } finally {
    sqs.destroy();
    dynamodb.destroy();
    s3.destroy();
  }
}

/** One line per service, for the terminal. */
export function describeSummary(summary: BootstrapSummary, settings: LocalStackEnv): string[] {
  const { created, existing } = summary.queues;
  const state = (created: boolean) => (created ? 'created' : 'already there');
  return [
    `SQS ${settings.endpoints.sqs}: ${created.length + existing.length} queues (${created.length} created, ${existing.length} already there)`,
    `DynamoDB ${settings.endpoints.dynamodb}: table ${summary.table.name} ${state(summary.table.created)}, ${
      summary.table.ttl === 'unsupported'
        ? `TTL on "${TABLE_TTL_ATTRIBUTE}" not supported by this endpoint (LocalStack and AWS have it)`
        : `TTL on "${TABLE_TTL_ATTRIBUTE}" ${summary.table.ttl}`
    }`,
    `S3 ${settings.endpoints.s3}: bucket ${summary.bucket.name} ${state(summary.bucket.created)}, CORS for ${settings.webOrigins.join(', ')}`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const summary = await bootstrapLocalStack(process.env);
    for (const line of describeSummary(summary, readLocalStackEnv(process.env)))
      console.log(`stack:bootstrap: ${line}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
