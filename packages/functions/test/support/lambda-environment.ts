import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '@paperlane/adapters';
import { QUEUE_NAMES, resolveTopology, sstNames } from '@paperlane/core';
import { provisionSqsQueues, type SqsQueueUrls } from '@paperlane/runtime';
import { createDocumentClient, ensureTable } from '@paperlane/store';
import { type DynaliteServer, type FauxqsServer, startDynalite, startFauxqs } from '@paperlane/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface LambdaEnvironmentOptions {
  /** Names the table, the bucket (`<name>-files`) and the queues (`<name>-<queue>`). */
  name: string;
  /** `AWS_LAMBDA_FUNCTION_NAME` of the functions the test loads. */
  functionName: string;
  /** More SST links (a realtime endpoint, secrets), merged over the table/bucket/queues/JWT ones. */
  links?: Record<string, Record<string, string>>;
  /** The linked JWT secret (default: one derived from `name`). */
  secret?: string;
}

/**
 * What a deployed Paperlane function finds around it, on loopback: a dynalite table, SQS
 * queues and an S3 bucket on fauxqs, and the SST links naming them in `process.env`
 * (read by `Resource` when a function's module is first imported — so import the
 * functions after this resolves). One per test file: the environment is process-wide.
 *
 * @example const env = await startLambdaEnvironment({ name: 'lambda-test', functionName: 'paperlane-test-api' });
 */
export async function startLambdaEnvironment(options: LambdaEnvironmentOptions) {
  const [dynamo, faux]: [DynaliteServer, FauxqsServer] = await Promise.all([startDynalite(), startFauxqs()]);
  const sqs = new SQSClient(awsClientConfig({ endpoint: faux.endpoint }));
  const urls: SqsQueueUrls = await provisionSqsQueues(sqs, resolveTopology({}), `${options.name}-`);
  const documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTable(documentClient, options.name);
  documentClient.destroy();
  const s3 = new S3Client({ ...awsClientConfig({ endpoint: faux.endpoint }), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: `${options.name}-files` }));
  s3.destroy();
  const secret = options.secret ?? `${options.name}-secret-`.padEnd(40, 'x');
  const resources: Record<string, Record<string, string>> = {
    [sstNames.table]: { name: options.name },
    [sstNames.bucket]: { name: `${options.name}-files` },
    [sstNames.secrets.jwtSecret]: { value: secret },
    [sstNames.secrets.openAiApiKey]: { value: '' },
    ...options.links,
  };
  for (const queue of QUEUE_NAMES) {
    for (const lane of ['high', 'low', 'dlq'] as const) {
      resources[sstNames.queue(queue, lane)] = { url: urls[queue][lane] };
    }
  }
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: faux.endpoint,
    AWS_ENDPOINT_URL_S3: faux.endpoint,
    LOG_LEVEL: 'error',
    SST_RESOURCES_JSON: JSON.stringify(resources),
  });
  return {
    dynamo,
    faux,
    sqs,
    urls,
    /** The JWT secret linked into the functions. */
    secret,
    async stop() {
      sqs.destroy();
      await Promise.all([faux.stop(), dynamo.stop()]);
    },
  };
}

/**
 * An API Gateway HTTP API (payload v2) event, as the JWT-authorized route delivers it.
 *
 * @example await handler(httpApiEvent('GET', '/healthz'), context)
 */
export function httpApiEvent(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: Uint8Array } = {},
): APIGatewayProxyEventV2 {
  const [rawPath = '/', rawQueryString = ''] = path.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com', ...init.headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc',
      domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: `req-${Math.random()}`,
      routeKey: '$default',
      stage: '$default',
      time: '22/Nov/2026:12:00:00 +0000',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: init.body !== undefined,
    ...(init.body ? { body: Buffer.from(init.body).toString('base64') } : {}),
  };
}

/**
 * `fetch` over the API function: the request (any body fetch takes: a form, JSON text) is
 * turned into the payload v2 event API Gateway would send, the result back into a Response.
 *
 * @example const call = lambdaFetch(handler); const response = await call('/healthz');
 */
export function lambdaFetch(
  invoke: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
) {
  return async (path: string, init: RequestInit = {}): Promise<Response> => {
    const request = new Request(`https://abc.execute-api.eu-west-1.amazonaws.com${path}`, init);
    const bytes = new Uint8Array(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const result = await invoke(
      httpApiEvent(request.method, path, { headers, ...(bytes.byteLength > 0 ? { body: bytes } : {}) }),
    );
    const body = result.body ?? '';
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(result.headers ?? {})) responseHeaders.set(key, String(value));
    const status = result.statusCode ?? 200;
    return new Response(
      status === 204 || status === 304 ? null : result.isBase64Encoded ? Buffer.from(body, 'base64') : body,
      { status, headers: responseHeaders },
    );
  };
}
