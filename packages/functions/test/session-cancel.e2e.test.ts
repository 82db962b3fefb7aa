/**
 * Cancelling the last open job of an upload session completes the session: the cancel
 * leaves an outbox marker, the sweeper runs the settled hook from it, and the session is
 * written complete (counting `cancelled`) and announced once — `session:completed` on
 * the realtime bus and one `session.completed` webhook delivery — on each runtime.
 * No workers run, so every job stays pending until it is cancelled.
 */
import type { UploadResponse } from '@paperlane/api';
import { type FauxqsServer, type RedisServer, startFauxqs, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

const RECEIVER = '127.0.0.1:9';

const runtimes = [
  { name: 'embedded (dynalite + fauxqs in-process)', transport: 'embedded' },
  { name: 'BullMQ (redis-server)', transport: 'bullmq' },
  { name: 'SQS (fauxqs server)', transport: 'sqs' },
] as const;

describe.each(runtimes)('cancelling the last job of a session on $name', ({ transport }) => {
  let redis: RedisServer | undefined;
  let fauxqs: FauxqsServer | undefined;
  let api: ApiHarness;

  beforeAll(async () => {
    redis = transport === 'bullmq' ? await startRedis() : undefined;
    fauxqs = transport === 'sqs' ? await startFauxqs() : undefined;
    api = await startApi({
      env: {
        RATE_LIMIT_PER_MINUTE: '100000',
        WEBHOOK_ALLOWED_HOSTS: RECEIVER,
        ...(redis ? { REDIS_URL: redis.url } : {}),
        ...(fauxqs ? { AWS_ENDPOINT_URL_SQS: fauxqs.endpoint } : {}),
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await Promise.all([redis?.stop(), fauxqs?.stop()]);
  });

  async function asAdmin(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await api.token('acme', 'admin')}`);
    return fetch(`${api.url}${path}`, { ...init, headers });
  }

  async function sessionDeliveries(webhookId: string, sessionId: string) {
    const response = await asAdmin(`/api/webhooks/${webhookId}/deliveries?limit=100`);
    expect(response.status).toBe(200);
    const { deliveries } = (await response.json()) as {
      deliveries: Array<{ event: string; event_id: string }>;
    };
    return deliveries.filter((d) => d.event === 'session.completed' && d.event_id.includes(sessionId));
  }

  it('completes the session once, with the cancelled jobs counted, and only after the last one', async () => {
    const hook = await asAdmin('/api/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://${RECEIVER}/sessions`, events: ['session.completed', 'job.*'] }),
    });
    expect(hook.status).toBe(201);
    const { webhook_id: webhookId } = (await hook.json()) as { webhook_id: string };

    const upload = await api.call('acme', '/api/upload', {
      method: 'POST',
      body: uploadForm([
        { name: 'a.pdf', blob: SAMPLE_FILES.pdf() },
        { name: 'b.png', blob: SAMPLE_FILES.png() },
      ]),
    });
    expect(upload.status).toBe(202);
    const { session_id: sessionId, jobs } = (await upload.json()) as UploadResponse;
    expect(jobs.length).toBeGreaterThanOrEqual(2);

    const announced: Array<{ counts: unknown }> = [];
    const stop = api.container.events.subscribe((event) => {
      if (event.type === 'session:completed' && event.sessionId === sessionId) announced.push(event);
    });
    try {
      const cancel = (jobId: string) => api.call('acme', `/api/jobs/${jobId}/cancel`, { method: 'POST' });
      const [first, ...rest] = jobs;
      expect((await cancel(first!.job_id)).status).toBe(200);
      await api.container.recover();
      // One job is still open: nothing is complete and nothing is announced.
      expect(await api.container.store.sessions.get({ tenantId: 'acme', sessionId })).toMatchObject({
        status: 'open',
      });
      expect(announced).toEqual([]);

      for (const job of rest) expect((await cancel(job.job_id)).status).toBe(200);
      await api.container.recover();
      const session = await api.container.store.sessions.get({ tenantId: 'acme', sessionId });
      expect(session).toMatchObject({
        status: 'complete',
        counts: { complete: 0, failed: 0, cancelled: jobs.length },
      });
      expect(session?.announcedAt).toBeDefined();
      expect(announced).toEqual([
        expect.objectContaining({ counts: { complete: 0, failed: 0, cancelled: jobs.length } }),
      ]);
      expect(await sessionDeliveries(webhookId, sessionId)).toHaveLength(1);

      // The sweeper coming round again (or a cancel retried) announces nothing new.
      expect((await cancel(first!.job_id)).status).toBe(409);
      await api.container.recover();
      expect(announced).toHaveLength(1);
      expect(await sessionDeliveries(webhookId, sessionId)).toHaveLength(1);
      // A cancelled job is no `job.failed`: no job event reached the webhook's log at all.
      const all = await asAdmin(`/api/webhooks/${webhookId}/deliveries?limit=100`);
      const { deliveries } = (await all.json()) as { deliveries: Array<{ event: string }> };
      expect(deliveries.map((d) => d.event)).toEqual(['session.completed']);
    } finally {
      stop();
    }
  });
});
