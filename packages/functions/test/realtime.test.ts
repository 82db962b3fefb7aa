import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadResponse } from '@paperlane/api';
import {
  type DynaliteServer,
  invoiceFixture,
  type RedisServer,
  startDynalite,
  startRedis,
} from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stoppable } from '../src/container';
import { createJobHandlers } from '../src/handlers';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';
import { type ApiGet, followSession, restStatuses } from './support/rest-agreement';
import { openRealtimeClient, type RealtimeMessage, terminalStatusOf } from './support/ws-client';

async function upload(api: ApiHarness, tenantId: string, form: FormData): Promise<UploadResponse> {
  const response = await api.call(tenantId, '/api/upload', { method: 'POST', body: form });
  expect(response.status).toBe(202);
  return (await response.json()) as UploadResponse;
}

const getAs =
  (api: ApiHarness, tenantId: string): ApiGet =>
  async (path) => {
    const response = await api.call(tenantId, path);
    return { status: response.status, body: await response.json() };
  };

describe('realtime over the embedded stack', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('follows an upload session over /ws and the SSE fallback until its jobs complete', async () => {
    const body = await upload(api, 'tenant-a', uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]));
    const jobIds = body.jobs.map((job) => job.job_id);
    expect(jobIds.length).toBeGreaterThan(0);

    const client = await openRealtimeClient(`${api.wsUrl}?token=${await api.token('tenant-a')}`);
    expect((await client.next()).type).toBe('authenticated');
    client.send({ action: 'subscribe', session_id: body.session_id });
    expect(await client.next()).toEqual({ type: 'subscribed', session_id: body.session_id });

    // Another tenant that learns the session id gets not_found and no events.
    const intruder = await openRealtimeClient(`${api.wsUrl}?token=${await api.token('tenant-b')}`);
    await intruder.next();
    intruder.send({ action: 'subscribe', session_id: body.session_id });
    expect(await intruder.next()).toMatchObject({ type: 'error', code: 'not_found' });

    const sse = await fetch(`${api.url}/api/events?session_id=${body.session_id}`, {
      headers: { authorization: `Bearer ${await api.token('tenant-a')}` },
    });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const reader = sse.body!.getReader();
    let sseText = '';
    const sseUntil = async (needle: string) => {
      while (!sseText.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('SSE stream ended');
        sseText += new TextDecoder().decode(value);
      }
    };
    await sseUntil('event: subscribed');

    // Jobs run only now, so no event can precede the subscriptions.
    const workers = await api.container.startWorkers();
    try {
      const finished = new Set<string>();
      const seen = await client.readUntil((messages) => {
        const last = messages.at(-1);
        if (last && terminalStatusOf(last)) finished.add(String(last.job_id));
        return finished.size === jobIds.length;
      });
      const types = seen.map((m) => m.type);
      expect(types).toContain('job:started');
      expect(types.indexOf('job:started')).toBeLessThan(types.indexOf('job:complete'));
      expect(seen.every((m) => m.session_id === body.session_id)).toBe(true);
      expect([...finished].sort()).toEqual([...jobIds].sort());
      // The intruder's next message is the answer to its ping: no event was queued before it.
      intruder.send({ action: 'ping' });
      expect(await intruder.next()).toEqual({ type: 'pong' });
      // SSE carries the same terminal events (`event: <type>`, then the message as data).
      for (const jobId of jobIds) {
        await sseUntil(`event: job:complete\ndata: {"type":"job:complete","job_id":"${jobId}"`);
      }
      expect(sseText).toContain(`"session_id":"${body.session_id}"`);
    } finally {
      await reader.cancel();
      await workers.stop();
      client.close();
      intruder.close();
    }
  });

  it('refuses the SSE stream without a token, for another tenant, or without a target', async () => {
    const body = await upload(api, 'tenant-a', uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]));
    const anonymous = await fetch(`${api.url}/api/events?session_id=${body.session_id}`);
    expect([anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'missing_token',
    ]);
    const other = await api.call('tenant-b', `/api/events?session_id=${body.session_id}`);
    expect([other.status, ((await other.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      'not_found',
    ]);
    const both = await api.call('tenant-a', `/api/events?session_id=${body.session_id}&job_id=x`);
    expect(both.status).toBe(400);
    // EventSource cannot set headers: the token may travel in the query.
    const byQuery = await fetch(
      `${api.url}/api/events?job_id=${body.jobs[0]?.job_id}&token=${await api.token('tenant-a')}`,
    );
    expect(byQuery.status).toBe(200);
    const reader = byQuery.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(
      `event: subscribed\ndata: {"type":"subscribed","job_id":"${body.jobs[0]?.job_id}"}`,
    );
    await reader.cancel();
  });
});

describe('realtime across two API processes on one redis-server (BullMQ + Redis pub/sub)', () => {
  let redis: RedisServer;
  let dynamo: DynaliteServer;
  let dataDir: string;
  let a: ApiHarness;
  let b: ApiHarness;
  let workers: Stoppable | undefined;

  beforeAll(async () => {
    [redis, dynamo] = await Promise.all([startRedis(), startDynalite()]);
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-two-'));
    // Two containers sharing what a deployment shares: Redis (jobs and events), the table, the files.
    const env = {
      REDIS_URL: redis.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TABLE_NAME: 'paperlane-two-processes',
    };
    a = await startApi({ env, dataDir, handlers: createJobHandlers });
    b = await startApi({ env, dataDir, handlers: createJobHandlers });
  });
  afterAll(async () => {
    await workers?.stop();
    await a?.close();
    await b?.close();
    await Promise.all([redis?.stop(), dynamo?.stop()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a client of process A sees the jobs that process B accepted and ran; REST on A agrees', async () => {
    expect([a.container.config.transport, b.container.config.transport]).toEqual(['bullmq', 'bullmq']);
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const body = await upload(b, 'acme', uploadForm([{ name: 'invoice.pdf', blob: pdf }]));

    const client = await openRealtimeClient(`${a.wsUrl}?token=${await a.token('acme')}`);
    const outsider = await openRealtimeClient(`${a.wsUrl}?token=${await a.token('globex')}`);
    try {
      await Promise.all([client.next(), outsider.next()]);
      client.send({ action: 'subscribe', session_id: body.session_id });
      expect(await client.next()).toEqual({ type: 'subscribed', session_id: body.session_id });
      outsider.send({ action: 'subscribe', session_id: body.session_id });
      expect(await outsider.next()).toMatchObject({ type: 'error', code: 'not_found' });

      // Only B consumes; A's client hears B's events through Redis pub/sub.
      workers = await b.container.startWorkers();
      const seen = await followSession(client, getAs(a, 'acme'), body.session_id);
      const rest = await restStatuses(getAs(a, 'acme'), {
        sessionId: body.session_id,
        documentIds: body.documents.map((d) => d.document_id),
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

      outsider.send({ action: 'ping' });
      const reply: RealtimeMessage = await outsider.next();
      expect(reply).toEqual({ type: 'pong' });
    } finally {
      client.close();
      outsider.close();
    }
  });
});
