import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QUEUE_NAMES, silentLogger, sstNames } from '@paperlane/core';
import type { SqsQueueUrls } from '@paperlane/runtime';
import { createDocumentClient, createStore } from '@paperlane/store';
import {
  type DynaliteServer,
  invoiceFixture,
  lambdaContextFactory,
  sqsEventFactory,
  sqsRecordFactory,
} from '@paperlane/testing';
import {
  type ApiGatewayManagementFake,
  startApiGatewayManagementFake,
} from '@paperlane/testing/fakes/apigw-management-server';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uploadForm } from './support/api-harness';
import { startApiGatewayWebSocket } from './support/apigw-websocket';
import { deepEventBody } from './support/hostile-bodies';
import { httpApiEvent, lambdaFetch, startLambdaEnvironment } from './support/lambda-environment';
import { type ApiGet, followSession, restStatuses } from './support/rest-agreement';
import { startSqsEventSource } from './support/sqs-event-source';
import { openRealtimeClient } from './support/ws-client';

const SECRET = 'lambda-test-secret-lambda-test-secret!!';
let environment: Awaited<ReturnType<typeof startLambdaEnvironment>>;
let dynamo: DynaliteServer;
let management: ApiGatewayManagementFake;
let urls: SqsQueueUrls;
let sqs: SQSClient;

async function multipart(form: FormData) {
  const request = new Request('http://x', { method: 'POST', body: form });
  return {
    body: new Uint8Array(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

beforeAll(async () => {
  management = await startApiGatewayManagementFake();
  environment = await startLambdaEnvironment({
    name: 'lambda-test',
    functionName: 'paperlane-test-api',
    secret: SECRET,
    // Functions that emit job events push them to WebSocket clients through this endpoint.
    links: { [sstNames.realtime]: { managementEndpoint: management.endpoint } },
  });
  ({ dynamo, sqs, urls } = environment);
});

afterAll(async () => {
  await management?.stop();
  await environment?.stop();
});

/** The API function as API Gateway invokes it. */
async function apiLambda() {
  const { handler } = await import('../src/lambda/api');
  return (event: APIGatewayProxyEventV2) =>
    handler(event as never, lambdaContextFactory() as never) as Promise<APIGatewayProxyStructuredResultV2>;
}

describe('on Lambda: API Gateway → API function → SQS → consumer function', () => {
  it('serves the Hono app from payload v2 events and enqueues onto the linked queues', async () => {
    const call = await apiLambda();
    const { mintToken } = await import('@paperlane/api');

    const health = await call(httpApiEvent('GET', '/healthz'));
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body ?? '{}')).toMatchObject({
      checks: { store: 'ok', queue: 'ok', files: 'ok' },
    });

    const anonymous = await call(httpApiEvent('GET', '/api/jobs/job_x'));
    expect(anonymous.statusCode).toBe(401);

    const token = await mintToken(SECRET, { tenantId: 'acme', userId: 'u1', role: 'user' });
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const { body, contentType } = await multipart(uploadForm([{ name: 'a.pdf', blob: pdf }]));
    const upload = await call(
      httpApiEvent('POST', '/api/upload', {
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      }),
    );
    expect(upload.statusCode).toBe(202);
    // The same boundary on Lambda, where API Gateway hands over the whole body at once.
    const deep = await call(
      httpApiEvent('POST', '/api/events', {
        headers: { authorization: `bearer ${token}`, 'content-type': 'application/json' },
        body: new TextEncoder().encode(deepEventBody(1000)),
      }),
    );
    expect({ status: deep.statusCode, body: JSON.parse(deep.body ?? '{}') }).toMatchObject({
      status: 400,
      body: { error: { code: 'json_too_deep' } },
    });
    const accepted = JSON.parse(upload.body ?? '{}') as {
      documents: Array<{ document_id: string }>;
      jobs: Array<{ job_id: string; queue: string }>;
    };
    const ocr = accepted.jobs.find((j) => j.queue === 'invoice-processing');
    expect(ocr).toBeDefined();

    // The message is on the invoice-processing high lane; hand it to that queue's consumer.
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: urls['invoice-processing'].high,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    const message = received.Messages?.find((m) => m.Body?.includes(ocr?.job_id ?? '?'));
    expect(message).toBeDefined();
    const consumer = (await import('../src/lambda/queues/invoice-processing')).handler;
    const result = (await consumer(
      sqsEventFactory([
        sqsRecordFactory({
          body: message?.Body ?? '',
          messageId: message?.MessageId ?? 'm',
          receiptHandle: message?.ReceiptHandle ?? 'r',
          queueName: 'lambda-test-invoice-processing',
        }),
      ]),
      lambdaContextFactory(),
    )) as SQSBatchResponse;
    expect(result.batchItemFailures).toEqual([]);

    const job = await call(
      httpApiEvent('GET', `/api/jobs/${ocr?.job_id}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(JSON.parse(job.body ?? '{}')).toMatchObject({
      job_id: ocr?.job_id,
      status: 'complete',
      attempts: 1,
    });
    // The text layer was read (no OCR service needed) and the rules extractor filled the invoice.
    const documentId = accepted.documents[0]?.document_id;
    const document = await call(
      httpApiEvent('GET', `/api/documents/${documentId}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    const invoice = (JSON.parse(document.body ?? '{}') as { invoices: Array<Record<string, unknown>> })
      .invoices[0];
    expect(invoice).toMatchObject({
      status: 'processed',
      ocr_provider: 'pdf-text',
      extractor: 'rules',
      fields: { invoiceNumber: 'INV-2026-0417', total: 5240.38, currency: 'USD' },
    });
  });

  it('upload → session → events over a real WebSocket (API Gateway WebSocket API) → REST agrees', async () => {
    const call = await apiLambda();
    const { mintToken } = await import('@paperlane/api');
    const { createWebSocketHandler, webSocketDepsFromEnv } = await import('../src/lambda/websocket');
    const token = await mintToken(SECRET, { tenantId: 'acme', userId: 'u1', role: 'user' });
    const auth = { authorization: `Bearer ${token}` };
    const get: ApiGet = async (path) => {
      const result = await call(httpApiEvent('GET', path, { headers: auth }));
      return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? 'null') };
    };

    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const { body, contentType } = await multipart(uploadForm([{ name: 'invoice.pdf', blob: pdf }]));
    const upload = await call(
      httpApiEvent('POST', '/api/upload', { headers: { ...auth, 'content-type': contentType }, body }),
    );
    expect(upload.statusCode).toBe(202);
    const accepted = JSON.parse(upload.body ?? '{}') as {
      session_id: string;
      documents: Array<{ document_id: string }>;
    };

    // The WebSocket function, wired from the environment SST gives it.
    const gateway = await startApiGatewayWebSocket(
      createWebSocketHandler({
        ...webSocketDepsFromEnv({
          TABLE_NAME: 'lambda-test',
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          JWT_SECRET: SECRET,
          REALTIME_MANAGEMENT_ENDPOINT: management.endpoint,
        }),
        logger: silentLogger,
      }),
      management,
    );
    await expect(openRealtimeClient(`${gateway.url}?token=forged.token.value`)).rejects.toThrow('HTTP 401');
    const client = await openRealtimeClient(`${gateway.url}?token=${token}`);
    const intruder = await openRealtimeClient(
      `${gateway.url}?token=${await mintToken(SECRET, { tenantId: 'globex', userId: 'u2', role: 'user' })}`,
    );
    // Consumers start once the subscription is stored, so every event is pushed to it.
    let source: ReturnType<typeof startSqsEventSource> | undefined;
    try {
      client.send({ action: 'subscribe', session_id: accepted.session_id });
      expect(await client.next()).toEqual({ type: 'subscribed', session_id: accepted.session_id });
      intruder.send({ action: 'subscribe', session_id: accepted.session_id });
      expect(await intruder.next()).toMatchObject({ type: 'error', code: 'not_found' });

      source = startSqsEventSource(sqs, urls, {
        'invoice-processing': (await import('../src/lambda/queues/invoice-processing')).handler,
        thumbnail: (await import('../src/lambda/queues/thumbnail')).handler,
        'llm-summary': (await import('../src/lambda/queues/llm-summary')).handler,
      });
      const seen = await followSession(client, get, accepted.session_id);
      const rest = await restStatuses(get, {
        sessionId: accepted.session_id,
        documentIds: accepted.documents.map((d) => d.document_id),
        jobIds: [...seen.keys()],
      });
      const overWs = Object.fromEntries(seen);
      expect(Object.values(rest.queues).sort()).toEqual(['invoice-processing', 'llm-summary', 'thumbnail']);
      expect(new Set(seen.values())).toEqual(new Set(['complete']));
      expect([rest.job, rest.batch, rest.session, rest.documentStatus]).toEqual([
        overWs,
        overWs,
        overWs,
        overWs,
      ]);
      expect(rest.sessionCounts).toEqual({ total_jobs: 3, completed: 3, failed: 0 });
      intruder.send({ action: 'ping' });
      expect(await intruder.next()).toEqual({ type: 'pong' });
    } finally {
      await source?.stop();
      client.close();
      intruder.close();
      await gateway.stop();
    }
    expect(source?.errors).toEqual([]);

    // The document's thumbnails come back through API Gateway as base64-encoded WebP.
    const documentId = accepted.documents[0]?.document_id ?? '';
    const document = (await get(`/api/documents/${documentId}`)).body as {
      thumbnails: { items: Array<{ url: string }> };
      summary: { provider: string };
    };
    expect(document.summary.provider).toEqual(expect.any(String));
    const image = await call(httpApiEvent('GET', document.thumbnails.items[0]?.url ?? '', { headers: auth }));
    expect([image.statusCode, image.headers?.['content-type'], image.isBase64Encoded]).toEqual([
      200,
      'image/webp',
      true,
    ]);
    expect(
      Buffer.from(image.body ?? '', 'base64')
        .subarray(8, 12)
        .toString('latin1'),
    ).toBe('WEBP');
  });
});

describe('on Lambda: Idempotency-Key across execution environments', () => {
  it('two environments of the API function racing one key make one session; both replay it after', async () => {
    // A second execution environment: the function's modules loaded again, nothing shared but
    // the table, the queues and the bucket — as two concurrent Lambda instances.
    const firstModule = await import('../src/lambda/api');
    const first = lambdaFetch(await apiLambda());
    vi.resetModules();
    expect(await import('../src/lambda/api')).not.toBe(firstModule);
    const second = lambdaFetch(await apiLambda());
    const { mintToken } = await import('@paperlane/api');
    const token = await mintToken(SECRET, { tenantId: 'idem-race', userId: 'u1', role: 'user' });
    const pdf = await invoiceFixture('en-us-classic.pdf');
    const send = (call: typeof first) =>
      call('/api/upload', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': 'lambda-race-1' },
        body: uploadForm([{ name: 'a.pdf', blob: new Blob([pdf], { type: 'application/pdf' }) }]),
      });
    const responses = await Promise.all([first, second, first, second].map(send));
    const originals = responses.filter((r) => r.status === 202 && !r.headers.get('idempotent-replayed'));
    expect(originals).toHaveLength(1);
    const [original] = originals;
    if (!original) throw new Error('no first answer');
    const sessionId = ((await original.json()) as { session_id: string }).session_id;
    for (const response of responses) {
      if (response === original) continue;
      if (response.status === 409) {
        expect(await response.json()).toMatchObject({ error: { code: 'idempotency_request_in_progress' } });
      } else {
        expect(response.status).toBe(202);
        expect(((await response.json()) as { session_id: string }).session_id).toBe(sessionId);
      }
    }
    for (const call of [first, second]) {
      const replay = await send(call);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as { session_id: string }).session_id).toBe(sessionId);
    }
    const sessions = await first('/api/upload-sessions', { headers: { authorization: `Bearer ${token}` } });
    expect(((await sessions.json()) as { items: unknown[] }).items).toHaveLength(1);
  });
});

describe('on Lambda: the operator numbers', () => {
  /**
   * The automation queue is the one no other test here touches, so its numbers are exact:
   * SQS gives depth, in flight and DLQ depth; the records give the rest.
   */
  it('serves /admin/queues/stats from SQS attributes and the job records; /metrics is 503 with its reason', async () => {
    const call = await apiLambda();
    const { mintToken } = await import('@paperlane/api');
    const as = async (role: 'operator' | 'admin') => ({
      authorization: `Bearer ${await mintToken(SECRET, { tenantId: 'ops', userId: 'u1', role })}`,
    });
    const get = async (path: string, role: 'operator' | 'admin' = 'operator') => {
      const result = await call(httpApiEvent('GET', path, { headers: await as(role) }));
      return { status: result.statusCode, body: JSON.parse(result.body ?? 'null') };
    };

    // Records written by the store code the functions use: four finished in the window
    // (run times 100, 200, 1000 ms complete; 400 ms failed), one pending for five minutes.
    const store = createStore({
      documentClient: createDocumentClient({ endpoint: dynamo.endpoint }),
      tableName: 'lambda-test',
    });
    const base = Date.now() - 10 * 60_000;
    const job = (n: number, at: number) => ({
      tenantId: 'stats-co',
      jobId: `job_stats_${n}`,
      queue: 'automation' as const,
      payload: { automationId: `aut_${n}` },
      priority: 'low' as const,
      traceId: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      maxAttempts: 1,
      targetType: 'automation',
      targetId: `aut_${n}`,
      now: new Date(at),
      availableAt: new Date(at),
      sweepAt: new Date(at + 3_600_000),
    });
    for (const [n, ms, outcome] of [
      [1, 100, 'complete'],
      [2, 200, 'complete'],
      [3, 1000, 'complete'],
      [4, 400, 'failed'],
    ] as const) {
      const start = base + n * 5_000;
      await store.jobs.create(job(n, start));
      await store.jobs.claim({
        tenantId: 'stats-co',
        jobId: `job_stats_${n}`,
        now: new Date(start),
        leaseMs: 60_000,
      });
      const end = { tenantId: 'stats-co', jobId: `job_stats_${n}`, attempt: 1, now: new Date(start + ms) };
      if (outcome === 'complete') await store.jobs.complete(end);
      else await store.jobs.fail({ ...end, error: 'refused', errorCode: 'refused' });
    }
    const pendingSince = Date.now() - 300_000;
    await store.jobs.create(job(5, pendingSince));

    // Messages: two waiting on the high lane, one on the low lane of which one is then held
    // (in flight), one in the DLQ.
    const send = (url: string) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{}' }));
    await Promise.all(
      [urls.automation.high, urls.automation.high, urls.automation.low, urls.automation.dlq].map(send),
    );
    const held = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: urls.automation.low,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 600,
      }),
    );
    expect(held.Messages).toHaveLength(1);

    const stats = await get('/admin/queues/stats?window_minutes=60');
    expect(stats.status).toBe(200);
    expect(stats.body.window_minutes).toBe(60);
    expect(stats.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    const automation = stats.body.queues.find((q: { name: string }) => q.name === 'automation');
    expect(automation).toEqual({
      name: 'automation',
      depth: 2,
      in_flight: 1,
      dlq_depth: 1,
      oldest_age_seconds: expect.any(Number),
      paused: false,
      completed: 3,
      failed: 1,
      throughput_per_minute: 4 / 60,
      failure_rate: 0.25,
      // Nearest rank over [100, 200, 400, 1000].
      p50_ms: 200,
      p95_ms: 1000,
    });
    const age = Math.floor((Date.now() - pendingSince) / 1000);
    expect(automation.oldest_age_seconds).toBeGreaterThanOrEqual(300);
    expect(automation.oldest_age_seconds).toBeLessThanOrEqual(age);
    // A finished job older than the window is left out.
    expect((await get('/admin/queues/stats?window_minutes=1')).body.queues).toContainEqual(
      expect.objectContaining({ name: 'automation', completed: 0, failed: 0, p50_ms: null }),
    );

    // Deployment-wide numbers: a tenant admin learns nothing.
    expect(await get('/admin/queues/stats', 'admin')).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(await get('/admin/queues/stats?window_minutes=0')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
    // No Prometheus registry on Lambda: the coded answer says where the metrics are, and
    // (being the design, not a failure) logs no error.
    const written = vi.spyOn(process.stdout, 'write');
    try {
      expect(await get('/metrics')).toMatchObject({
        status: 503,
        body: { error: { code: 'metrics_unavailable', message: expect.stringContaining('EMF') } },
      });
      expect(
        written.mock.calls.map(([line]) => String(line)).filter((l) => l.includes('"level":"error"')),
      ).toEqual([]);
    } finally {
      written.mockRestore();
    }
  });
});
