import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadResponse } from '@paperlane/api';
import { type DynaliteServer, type RedisServer, startDynalite, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

/**
 * Two API processes' worth of wiring sharing what a deployment shares: the table and the files
 * (and on BullMQ, the redis). Each runtime gets its own table, so counts are per runtime.
 */
let dynamo: DynaliteServer;
let redis: RedisServer;
let dataDir: string;
let a: ApiHarness;
let b: ApiHarness;
let TABLE = '';

beforeAll(async () => {
  [dynamo, redis] = await Promise.all([startDynalite(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([dynamo?.stop(), redis?.stop()]);
});

const runtimes = [
  { name: 'SQS lanes (embedded fauxqs)', bullmq: false },
  { name: 'BullMQ (redis-server)', bullmq: true },
] as const;

/** Items of one kind a tenant owns, counted in the shared table itself (not through the API). */
async function countItems(tenantId: string, kind: 'SESSION' | 'JOB' | 'DOC'): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await a.container.store.table.getDocumentClient().send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'begins_with(pk, :prefix) AND sk = :sk',
        ExpressionAttributeValues: { ':prefix': `T#${tenantId}#${kind}#`, ':sk': kind },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

/** A fresh form per call: every request gets its own multipart boundary, as separate client retries do. */
const invoiceForm = () => uploadForm([{ name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() }]);

function uploadWithKey(api: ApiHarness, tenantId: string, key: string, form = invoiceForm()) {
  return api.call(tenantId, '/api/upload', {
    method: 'POST',
    headers: { 'idempotency-key': key },
    body: form,
  });
}

describe.each(runtimes)('Idempotency-Key across two API processes on one table, $name', ({ bullmq }) => {
  beforeAll(async () => {
    TABLE = `paperlane-idempotency-${bullmq ? 'bullmq' : 'sqs'}`;
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-idem-'));
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TABLE_NAME: TABLE,
      RATE_LIMIT_PER_MINUTE: '10000',
      ...(bullmq ? { REDIS_URL: redis.url } : {}),
    };
    a = await startApi({ env, dataDir });
    b = await startApi({ env, dataDir });
    expect(a.container.config.transport).toBe(bullmq ? 'bullmq' : 'sqs');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('racing the same upload through both processes makes one session and its two jobs', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => uploadWithKey(i % 2 === 0 ? a : b, 'race', 'upload-race-1')),
    );
    const bodies = await Promise.all(responses.map(async (r) => ({ r, body: await r.json() })));
    const firsts = bodies.filter(
      ({ r }) => r.status === 202 && r.headers.get('idempotent-replayed') === null,
    );
    expect(firsts).toHaveLength(1);
    const sessionId = (firsts[0]?.body as UploadResponse | undefined)?.session_id;
    expect(sessionId).toBeTruthy();
    for (const { r, body } of bodies) {
      if (r.status === 409) {
        expect(body).toMatchObject({ error: { code: 'idempotency_request_in_progress' } });
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      } else {
        expect(r.status).toBe(202);
        expect((body as UploadResponse).session_id).toBe(sessionId);
      }
    }
    expect(await countItems('race', 'SESSION')).toBe(1);
    expect(await countItems('race', 'DOC')).toBe(1);
    expect(await countItems('race', 'JOB')).toBe(2);

    // Once finished, either process replays the stored answer.
    for (const api of [a, b]) {
      const replay = await uploadWithKey(api, 'race', 'upload-race-1');
      expect(replay.status).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as UploadResponse).session_id).toBe(sessionId);
    }
    expect(await countItems('race', 'JOB')).toBe(2);
  });

  it('the same key with other files, or on another route, is a 422; nothing new is created', async () => {
    expect((await uploadWithKey(a, 'reuse', 'k-reuse')).status).toBe(202);
    const png = uploadForm([{ name: 'scan.png', blob: SAMPLE_FILES.png() }]);
    const other = await uploadWithKey(b, 'reuse', 'k-reuse', png);
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    const otherRoute = await b.call('reuse', '/api/jobs/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-reuse' },
      body: JSON.stringify({ action: 'cancel', ids: ['job_x'] }),
    });
    expect(otherRoute.status).toBe(422);
    expect(await countItems('reuse', 'SESSION')).toBe(1);
  });

  it('keys are per tenant: the same key in two tenants runs twice, once for each', async () => {
    const first = await uploadWithKey(a, 'tenant-one', 'shared-key');
    const second = await uploadWithKey(b, 'tenant-two', 'shared-key');
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    const [one, two] = (await Promise.all([first.json(), second.json()])) as UploadResponse[];
    expect(one?.session_id).not.toBe(two?.session_id);
    expect(await countItems('tenant-one', 'SESSION')).toBe(1);
    expect(await countItems('tenant-two', 'SESSION')).toBe(1);
  });

  it('refuses hostile keys with 400 before reading the upload', async () => {
    for (const key of ['', 'x'.repeat(256), 'new\tline', '\u00ff\u00fe']) {
      const response = await uploadWithKey(a, 'hostile', key);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_idempotency_key' } });
    }
    expect(await countItems('hostile', 'SESSION')).toBe(0);
  });

  it('presigned uploads: asking for targets and completing are replayed, not repeated', async () => {
    const pdf = new Uint8Array(await SAMPLE_FILES.pdf().arrayBuffer());
    const ask = () =>
      a.call('presign', '/api/uploads', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'ask-1' },
        body: JSON.stringify({ files: [{ file_name: 'big.pdf', size_bytes: pdf.byteLength }] }),
      });
    const asked = await ask();
    expect(asked.status).toBe(201);
    const targets = (await asked.json()) as {
      session_id: string;
      uploads: Array<{ upload_id: string; url: string }>;
    };
    const askedAgain = await ask();
    expect(askedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(await askedAgain.json()).toEqual(targets);
    expect(await countItems('presign', 'SESSION')).toBe(1);

    const [target] = targets.uploads;
    const complete = () =>
      b.call('presign', `/api/uploads/${targets.session_id}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'complete-1' },
        body: JSON.stringify({ uploads: [{ upload_id: target?.upload_id, file_name: 'big.pdf' }] }),
      });
    // Completing before the bytes arrived is a 409 that is not kept: the retry after the PUT runs.
    expect((await complete()).status).toBe(409);
    expect((await a.call('presign', target?.url ?? '', { method: 'PUT', body: pdf })).status).toBe(204);
    const completed = await complete();
    expect(completed.status).toBe(202);
    expect(completed.headers.get('idempotent-replayed')).toBeNull();
    const replayed = await complete();
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await replayed.json()).toEqual(await completed.json());
    expect(await countItems('presign', 'JOB')).toBe(2);
  });
});
