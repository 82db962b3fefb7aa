import { mintToken, type UploadResponse } from '@paperlane/api';
import { lambdaContextFactory, type RedisServer, startRedis } from '@paperlane/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';
import { lambdaFetch, startLambdaEnvironment } from './support/lambda-environment';

/**
 * The job API's hostile inputs (issue 15), one table run against every way the API is
 * deployed: the Node API on SQS lanes (embedded fauxqs), on BullMQ (redis-server), and
 * the API Lambda behind API Gateway (payload v2) on dynalite + fauxqs. Each target is a
 * tenant-scoped `fetch`; what a case expects does not depend on the target.
 */
interface Target {
  call(tenantId: string, path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

const targets: Array<{ name: string; start(): Promise<Target> }> = [
  {
    name: 'the Node API on SQS lanes (embedded fauxqs)',
    start: async () => startApi(),
  },
  {
    name: 'the Node API on BullMQ (redis-server)',
    start: async () => {
      const redis: RedisServer = await startRedis();
      const api = await startApi({ env: { REDIS_URL: redis.url } });
      return {
        call: api.call,
        async close() {
          await api.close();
          await redis.stop();
        },
      };
    },
  },
  {
    // Last: it sets the process-wide environment a deployed function reads.
    name: 'the API Lambda (API Gateway payload v2, SQS, DynamoDB)',
    start: async () => {
      const environment = await startLambdaEnvironment({
        name: 'hostile-api',
        functionName: 'paperlane-test-api',
      });
      const { handler } = await import('../src/lambda/api');
      const invoke = lambdaFetch(
        (event: APIGatewayProxyEventV2) =>
          handler(
            event as never,
            lambdaContextFactory() as never,
          ) as Promise<APIGatewayProxyStructuredResultV2>,
      );
      return {
        async call(tenantId, path, init = {}) {
          const headers = new Headers(init.headers);
          const token = await mintToken(environment.secret, { tenantId, userId: 'user-1', role: 'user' });
          headers.set('authorization', `Bearer ${token}`);
          return invoke(path, { ...init, headers });
        },
        close: () => environment.stop(),
      };
    },
  },
];

type ApiRequest = { path: string; init: () => RequestInit };

const upload = (fields: Record<string, string> = {}, headers: Record<string, string> = {}): ApiRequest => ({
  path: '/api/upload',
  init: () => ({
    method: 'POST',
    headers,
    body: uploadForm([{ name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() }], fields),
  }),
});

/** Reprocess validates its body before it looks the document up: a missing one shows the 400. */
const reprocess = (body: unknown, headers: Record<string, string> = {}): ApiRequest => ({
  path: '/api/documents/doc_missing/reprocess',
  init: () => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }),
});

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/**
 * Refused with a coded 400 before anything is created; `message` is part of what the caller
 * reads. A JSON body that fails its schema is the API's general `invalid_request` (with the
 * field in `details`); multipart text fields have no schema of their own, so the upload
 * route names the timing fields' failure `invalid_schedule`.
 */
const refusals: Array<[string, string, ApiRequest, RegExp?]> = [
  [
    'an Idempotency-Key one over the limit (256)',
    'invalid_idempotency_key',
    upload({}, { 'idempotency-key': 'k'.repeat(256) }),
    /1-255/,
  ],
  ['an 8 KB Idempotency-Key', 'invalid_idempotency_key', upload({}, { 'idempotency-key': 'k'.repeat(8192) })],
  [
    'an Idempotency-Key with a control character',
    'invalid_idempotency_key',
    upload({}, { 'idempotency-key': 'a\tb' }),
  ],
  [
    'a huge Idempotency-Key on reprocess',
    'invalid_idempotency_key',
    reprocess({}, { 'idempotency-key': 'k'.repeat(1000) }),
  ],
  ['a priority that does not exist', 'invalid_schedule', upload({ priority: 'urgent' })],
  ['a priority in the wrong case', 'invalid_schedule', upload({ priority: 'LOW' })],
  ['a priority that does not exist (JSON)', 'invalid_request', reprocess({ priority: 'critical' })],
  ['a numeric priority (JSON)', 'invalid_request', reprocess({ priority: 1 })],
  ['run_at an hour in the past', 'run_at_in_past', upload({ run_at: iso(-HOUR_MS) })],
  ['run_at an hour in the past (JSON)', 'run_at_in_past', reprocess({ run_at: iso(-HOUR_MS) })],
  ['run_at years ahead', 'run_at_too_far', upload({ run_at: iso(5 * 365 * DAY_MS) }), /at most 7 days/],
  [
    'run_at a day past the maximum (JSON)',
    'run_at_too_far',
    reprocess({ run_at: iso(8 * DAY_MS) }),
    /at most 7 days/,
  ],
  ['run_at that is not a time', 'invalid_schedule', upload({ run_at: 'tomorrow' })],
  ['delay_seconds negative', 'invalid_schedule', upload({ delay_seconds: '-5' })],
  ['delay_seconds negative (JSON)', 'invalid_request', reprocess({ delay_seconds: -1 })],
  ['delay_seconds one over a week', 'invalid_schedule', upload({ delay_seconds: '604801' })],
  ['delay_seconds huge', 'invalid_schedule', upload({ delay_seconds: '99999999999999999999' })],
  ['delay_seconds huge (JSON)', 'invalid_request', reprocess({ delay_seconds: 1e300 })],
  ['delay_seconds not an integer', 'invalid_schedule', upload({ delay_seconds: '1.5' })],
  ['delay_seconds not an integer (JSON)', 'invalid_request', reprocess({ delay_seconds: 0.5 })],
  ['delay_seconds in exponent form', 'invalid_schedule', upload({ delay_seconds: '1e3' })],
  ['delay_seconds as a JSON string', 'invalid_request', reprocess({ delay_seconds: '60' })],
  [
    'both run_at and delay_seconds',
    'conflicting_schedule',
    upload({ run_at: iso(HOUR_MS), delay_seconds: '60' }),
  ],
];

interface JobView {
  priority: string;
  run_at: string;
}

describe.each(targets)('job API hostile inputs on $name', ({ start }) => {
  let target: Target;
  beforeAll(async () => {
    target = await start();
  });
  afterAll(async () => {
    await target?.close();
  });

  it.each(refusals)('%s: 400 %s', async (_, code, request, message) => {
    const response = await target.call('hostile', request.path, request.init());
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    if (message) expect(body.error.message).toMatch(message);
  });

  it('nothing was created by any refused request', async () => {
    const sessions = await target.call('hostile', '/api/upload-sessions');
    expect(await sessions.json()).toEqual({ items: [], next_cursor: null });
  });

  it('run_at up to 5 minutes in the past is clock skew: it runs now; the edges of the window are accepted', async () => {
    const skewed = await target.call('edges', '/api/upload', upload({ run_at: iso(-60_000) }).init());
    expect(skewed.status).toBe(202);
    const before = Date.now();
    for (const job of ((await skewed.json()) as { jobs: JobView[] }).jobs) {
      // Not the past instant asked for: the job is due now.
      expect(Date.parse(job.run_at)).toBeGreaterThan(before - 30_000);
      expect(job.priority).toBe('high');
    }
    const latest = iso(7 * DAY_MS - 60_000);
    const far = await target.call('edges', '/api/upload', upload({ run_at: latest, priority: 'low' }).init());
    expect(far.status).toBe(202);
    for (const job of ((await far.json()) as { jobs: JobView[] }).jobs) {
      expect(job).toMatchObject({ run_at: latest, priority: 'low' });
    }
    const week = await target.call('edges', '/api/upload', upload({ delay_seconds: '604800' }).init());
    expect(week.status).toBe(202);
    // `normal` rides the user lane: the job shows the lane it is on.
    const normal = await target.call('edges', '/api/upload', upload({ priority: 'normal' }).init());
    expect(normal.status).toBe(202);
    expect(((await normal.json()) as { jobs: JobView[] }).jobs.map((j) => j.priority)).toEqual([
      'high',
      'high',
    ]);
  });

  it("the same Idempotency-Key in another tenant is that tenant's own key: two effects, nothing of the other replayed", async () => {
    const key = { 'idempotency-key': 'order-2026-0001' };
    const first = await target.call('tenant-one', '/api/upload', upload({}, key).init());
    const second = await target.call('tenant-two', '/api/upload', upload({ priority: 'low' }, key).init());
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    const one = (await first.json()) as UploadResponse;
    const two = (await second.json()) as UploadResponse;
    expect(two.session_id).not.toBe(one.session_id);
    expect(JSON.stringify(two)).not.toContain(one.session_id);
    for (const document of one.documents) expect(JSON.stringify(two)).not.toContain(document.document_id);
    // Each tenant sees its own session only; a replay in each tenant gives back its own answer.
    expect((await target.call('tenant-two', `/api/upload-sessions/${one.session_id}`)).status).toBe(404);
    for (const [tenantId, own] of [
      ['tenant-one', one],
      ['tenant-two', two],
    ] as const) {
      const replay = await target.call(tenantId, '/api/upload', upload({}, key).init());
      // tenant-two's key was first used with priority low: the same key with another body is a 422.
      if (tenantId === 'tenant-two') {
        expect(replay.status).toBe(422);
        expect(await replay.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
        continue;
      }
      expect(replay.status).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(((await replay.json()) as UploadResponse).session_id).toBe(own.session_id);
    }
    const listed = async (tenantId: string) =>
      ((await (await target.call(tenantId, '/api/upload-sessions')).json()) as { items: unknown[] }).items;
    expect(await listed('tenant-one')).toHaveLength(1);
    expect(await listed('tenant-two')).toHaveLength(1);
  });
});
