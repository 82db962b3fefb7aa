import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters/aws/client-config';
import { mintToken } from '@paperlane/api';
import { consumerFunctionVariable, QUEUE_NAMES, resolveTopology, sstNames } from '@paperlane/core';
import { provisionSqsQueues, type SqsQueueUrls } from '@paperlane/runtime';
import { createDocumentClient, createStore, ensureTable } from '@paperlane/store';
import {
  type DynaliteServer,
  type FauxqsServer,
  lambdaContextFactory,
  sqsEventFactory,
  sqsRecordFactory,
  startDynalite,
  startFauxqs,
} from '@paperlane/testing';
import {
  type ApiGatewayManagementFake,
  startApiGatewayManagementFake,
} from '@paperlane/testing/fakes/apigw-management-server';
import { type LambdaFake, startLambdaFake } from '@paperlane/testing/fakes/lambda-server';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerFunctionsFromEnv } from './consumer-switch';

const SECRET = 'wiring-test-secret-wiring-test-secret!!';
const PREFIX = 'wiring-test-';
const THUMBNAIL_FN = 'paperlane-test-ThumbnailConsumerFunction-x1';
let dynamo: DynaliteServer;
let faux: FauxqsServer;
let lambda: LambdaFake;
let realtime: ApiGatewayManagementFake;
let urls: SqsQueueUrls;
let sqs: SQSClient;

function apiEvent(method: string, path: string, headers: Record<string, string>, body?: Uint8Array) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: `req-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: '22/Nov/2026:12:00:00 +0000',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: body !== undefined,
    ...(body ? { body: Buffer.from(body).toString('base64') } : {}),
  } satisfies APIGatewayProxyEventV2;
}

beforeAll(async () => {
  [dynamo, faux, lambda, realtime] = await Promise.all([
    startDynalite(),
    startFauxqs(),
    startLambdaFake(),
    startApiGatewayManagementFake(),
  ]);
  sqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
  urls = await provisionSqsQueues(sqs, resolveTopology({}), PREFIX);
  await ensureTable(createDocumentClient({ endpoint: dynamo.endpoint }), 'wiring-test');
  const s3 = new S3Client({ ...awsClientConfig({ endpoint: faux.endpoint }), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'wiring-test-files' }));
  s3.destroy();
  // What SST links (the WebSocket API's management endpoint included) and infra sets.
  const resources: Record<string, Record<string, string>> = {
    [sstNames.table]: { name: 'wiring-test' },
    [sstNames.bucket]: { name: 'wiring-test-files' },
    [sstNames.secrets.jwtSecret]: { value: SECRET },
    [sstNames.realtime]: { url: 'wss://realtime.invalid', managementEndpoint: realtime.endpoint },
  };
  for (const queue of QUEUE_NAMES) {
    for (const lane of ['high', 'low', 'dlq'] as const) {
      resources[sstNames.queue(queue, lane)] = { url: urls[queue][lane] };
    }
  }
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: 'paperlane-test-wiring',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: faux.endpoint,
    AWS_ENDPOINT_URL_S3: faux.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    [consumerFunctionVariable('thumbnail')]: THUMBNAIL_FN,
    LOG_LEVEL: 'error',
    SST_RESOURCES_JSON: JSON.stringify(resources),
  });
});

afterAll(async () => {
  sqs?.destroy();
  await Promise.all([faux?.stop(), dynamo?.stop(), lambda?.stop(), realtime?.stop()]);
});

describe('the Lambda wiring', () => {
  it("pauses a queue on AWS by disabling its consumer's event sources, and resumes it", async () => {
    const high = lambda.addMapping(THUMBNAIL_FN, `arn:aws:sqs:us-east-1:000000000000:${PREFIX}thumbnail`);
    const low = lambda.addMapping(THUMBNAIL_FN, `arn:aws:sqs:us-east-1:000000000000:${PREFIX}thumbnail-low`);
    const { handler } = await import('./api');
    const admin = await mintToken(SECRET, { tenantId: 'ops', userId: 'root', role: 'operator' });
    const call = async (path: string) =>
      (await handler(
        apiEvent('POST', path, { authorization: `Bearer ${admin}` }) as never,
        lambdaContextFactory() as never,
      )) as APIGatewayProxyStructuredResultV2;

    const paused = await call('/admin/queues/thumbnail/pause');
    expect(paused.statusCode).toBe(200);
    expect(JSON.parse(paused.body ?? '{}')).toMatchObject({ queue: 'thumbnail', paused: true });
    expect([lambda.mapping(high)?.State, lambda.mapping(low)?.State]).toEqual(['Disabling', 'Disabling']);

    // Paused twice: the mappings are on their way already, nothing is updated again.
    const updates = lambda.requests.filter((r) => r.startsWith('PUT ')).length;
    expect((await call('/admin/queues/thumbnail/pause')).statusCode).toBe(200);
    expect(lambda.requests.filter((r) => r.startsWith('PUT '))).toHaveLength(updates);

    lambda.settle();
    const resumed = await call('/admin/queues/thumbnail/resume');
    expect(resumed.statusCode).toBe(200);
    expect(JSON.parse(resumed.body ?? '{}')).toMatchObject({ paused: false });
    expect([lambda.mapping(high)?.State, lambda.mapping(low)?.State]).toEqual(['Enabling', 'Enabling']);

    // A queue whose consumer infra did not name: the route says so instead of pausing half-way.
    expect((await call('/admin/queues/llm-summary/pause')).statusCode).toBe(500);
  }, 30_000);

  it('pushes job events to subscribed WebSocket clients before the consumer returns', async () => {
    const { handler: api } = await import('./api');
    const token = await mintToken(SECRET, { tenantId: 'acme', userId: 'u1', role: 'user' });
    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 20 } },
    })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('files', new Blob([png], { type: 'image/png' }), 'receipt.png');
    const request = new Request('http://x', { method: 'POST', body: form });
    const upload = (await api(
      apiEvent(
        'POST',
        '/api/upload',
        { authorization: `Bearer ${token}`, 'content-type': request.headers.get('content-type') ?? '' },
        new Uint8Array(await request.arrayBuffer()),
      ) as never,
      lambdaContextFactory() as never,
    )) as APIGatewayProxyStructuredResultV2;
    expect(upload.statusCode).toBe(202);
    const accepted = JSON.parse(upload.body ?? '{}') as {
      session_id: string;
      jobs: Array<{ job_id: string; queue: string }>;
    };
    const thumbnail = accepted.jobs.find((j) => j.queue === 'thumbnail');
    expect(thumbnail).toBeDefined();

    // A browser connected through the WebSocket API and following the upload session.
    const store = createStore({
      documentClient: createDocumentClient({ endpoint: dynamo.endpoint }),
      tableName: 'wiring-test',
    });
    await store.wsConnections.connect({
      connectionId: 'conn-1=',
      tenantId: 'acme',
      userId: 'u1',
      now: new Date(),
      ttlSeconds: 600,
    });
    await store.wsConnections.subscribe({
      connectionId: 'conn-1=',
      tenantId: 'acme',
      target: { kind: 'session', id: accepted.session_id },
      maxSubscriptions: 10,
    });
    realtime.open('conn-1=');

    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: urls.thumbnail.high,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const message = received.Messages?.find((m) => m.Body?.includes(thumbnail?.job_id ?? '?'));
    expect(message).toBeDefined();
    const consumer = (await import('./queues/thumbnail')).handler;
    const result = (await consumer(
      sqsEventFactory([
        sqsRecordFactory({
          body: message?.Body ?? '',
          messageId: message?.MessageId ?? 'm',
          receiptHandle: message?.ReceiptHandle ?? 'r',
          queueName: `${PREFIX}thumbnail`,
        }),
      ]),
      lambdaContextFactory(),
    )) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([]);
    // Already delivered when the handler returned: nothing was left in flight to freeze.
    const types = realtime.received('conn-1=').map((m) => (m as { type: string }).type);
    expect(types).toContain('job:started');
    expect(types).toContain('job:complete');
  }, 60_000);
});

describe('the WebSocket function', () => {
  it('reads its table, JWT secret and management endpoint from the links alone', async () => {
    const { handler } = await import('./websocket');
    const token = await mintToken(SECRET, { tenantId: 'acme', userId: 'u2', role: 'user' });
    const connect = await handler({
      requestContext: { routeKey: '$connect', connectionId: 'conn-ws=', domainName: 'x', stage: 'y' },
      queryStringParameters: { token },
    });
    expect(connect.statusCode).toBe(200);
    realtime.open('conn-ws=');
    await handler({
      requestContext: { routeKey: '$default', connectionId: 'conn-ws=', domainName: 'x', stage: 'y' },
      body: JSON.stringify({ action: 'ping' }),
    });
    // The reply went through the linked management endpoint, not one derived from the event.
    expect(realtime.received('conn-ws=')).toEqual([{ type: 'pong' }]);
  });
});

describe('consumerFunctionsFromEnv', () => {
  it('reads the names infra sets and refuses hostile ones, naming the variable only', () => {
    expect(
      consumerFunctionsFromEnv({
        CONSUMER_FUNCTION_THUMBNAIL: 'paperlane-Thumb',
        CONSUMER_FUNCTION_LLM_SUMMARY: '',
        CONSUMER_FUNCTION_UNKNOWN: 'x',
      }),
    ).toEqual({ thumbnail: 'paperlane-Thumb' });
    expect(() => consumerFunctionsFromEnv({ CONSUMER_FUNCTION_EMAIL_SYNC: 'a b; rm -rf /' })).toThrow(
      /^invalid CONSUMER_FUNCTION_EMAIL_SYNC: must be Lambda function names$/,
    );
  });
});
