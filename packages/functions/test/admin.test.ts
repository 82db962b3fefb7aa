import { setTimeout as delay } from 'node:timers/promises';
import type { UploadResponse } from '@paperlane/api';
import { type JobHandlers, PermanentError } from '@paperlane/core';
import { type RedisServer, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stoppable } from '../src/container';
import { placeholderHandlers } from '../src/placeholder-handlers';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

/**
 * The queue admin routes through the HTTP app, on both drivers: the embedded SQS
 * emulator and BullMQ on a real redis-server. Placeholder jobs, except `thumbnail`,
 * which fails permanently while `failing` is set, so there are dead letters to redrive.
 */
const control = { failing: false };
const handlers: JobHandlers = {
  ...placeholderHandlers,
  thumbnail: async () => {
    if (control.failing)
      throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
    return { rendered: true };
  },
};

interface QueueStats {
  queue: string;
  waiting: number;
  in_flight: number;
  delayed: number;
  failed: number;
  paused: boolean;
}

function adminSuite(driver: string, env: () => Record<string, string>) {
  describe(`queue admin over HTTP (${driver})`, () => {
    let api: ApiHarness;
    let workers: Stoppable | undefined;

    beforeAll(async () => {
      api = await startApi({ env: env(), handlers });
    });
    afterAll(async () => {
      await workers?.stop();
      await api?.close();
    });

    async function admin(
      method: string,
      path: string,
      body?: unknown,
      tenantId = 'acme',
      role: 'admin' | 'operator' = 'admin',
    ) {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await api.token(tenantId, role)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }
    /** The deployment's operator (platform-wide queue actions), of another tenant than the jobs'. */
    const operator = (method: string, path: string, body?: unknown) =>
      admin(method, path, body, 'ops', 'operator');
    const stats = async (queue: string) =>
      ((await operator('GET', '/admin/queues')).body.queues as QueueStats[]).find((q) => q.queue === queue);

    async function uploadOne(): Promise<{ ocr: string; thumbnail: string }> {
      const response = await api.call('acme', '/api/upload', {
        method: 'POST',
        body: uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]),
      });
      const body = (await response.json()) as UploadResponse;
      const id = (queue: string) => body.jobs.find((j) => j.queue === queue)?.job_id ?? '';
      return { ocr: id('invoice-processing'), thumbnail: id('thumbnail') };
    }
    /**
     * The failed list once it shows every given job and the DLQ holds as many. The dead letter is written after the
     * job's record and event (SQS: sent when the consumer returns; BullMQ: moved to the
     * failed set when the worker gives up), and nothing announces it: the list is re-read.
     */
    async function failedShowing(jobIds: string[]) {
      for (let attempt = 0; attempt < 400; attempt++) {
        const { body } = await admin('GET', '/admin/queues/thumbnail/failed?limit=100');
        const jobs = body.jobs as Array<Record<string, unknown>>;
        // The list reads the records; redrive reads the DLQ, so wait for the dead letters too.
        const dead = (await stats('thumbnail'))?.failed ?? 0;
        if (jobIds.every((id) => jobs.some((j) => j.job_id === id)) && dead >= jobIds.length) return jobs;
        await delay(25);
      }
      throw new Error(`the failed list never showed ${jobIds.join(', ')}`);
    }
    const settled = (jobIds: string[], ...until: Array<'complete' | 'failed'>) =>
      awaitJobsSettled(api.container, 'acme', jobIds, new Set(until));

    it('lists every queue with its depths; an unknown queue is a coded 404', async () => {
      const { status, body } = await operator('GET', '/admin/queues');
      expect(status).toBe(200);
      const queues = body.queues as QueueStats[];
      expect(queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['invoice-processing', 'thumbnail']));
      for (const q of queues) {
        expect(q).toEqual({
          queue: q.queue,
          waiting: expect.any(Number),
          in_flight: expect.any(Number),
          delayed: expect.any(Number),
          failed: expect.any(Number),
          paused: false,
        });
      }
      expect(await operator('POST', '/admin/queues/nope/pause')).toMatchObject({
        status: 404,
        body: { error: { code: 'queue_not_found' } },
      });
    });

    it("a tenant's admin gets 403 on every deployment-wide action and changes nothing", async () => {
      for (const [method, path] of [
        ['GET', '/admin/queues'],
        ['POST', '/admin/queues/thumbnail/pause'],
        ['POST', '/admin/queues/thumbnail/resume'],
        ['POST', '/admin/queues/thumbnail/redrive'],
      ] as const) {
        const refused = await admin(method, path);
        expect([path, refused.status, (refused.body.error as { code?: string })?.code]).toEqual([
          path,
          403,
          'forbidden',
        ]);
        expect(JSON.stringify(refused.body)).not.toMatch(/waiting|in_flight|redriven/);
      }
      expect(await stats('thumbnail')).toMatchObject({ paused: false });
    });

    it("holds a paused queue's jobs while others run, and runs them after resume", async () => {
      const paused = await operator('POST', '/admin/queues/thumbnail/pause');
      expect(paused).toMatchObject({ status: 200, body: { queue: 'thumbnail', paused: true } });
      workers = await api.container.startWorkers();
      const job = await uploadOne();
      // The other queue's job runs to completion: the consumers are up and polling.
      await settled([job.ocr], 'complete');
      const held = await api.container.store.jobs.get({ tenantId: 'acme', jobId: job.thumbnail });
      expect(held?.status).toBe('pending');
      expect(await stats('thumbnail')).toMatchObject({ paused: true, waiting: 1 });

      const resumed = await operator('POST', '/admin/queues/thumbnail/resume');
      expect(resumed).toMatchObject({ status: 200, body: { paused: false } });
      expect([...(await settled([job.thumbnail], 'complete')).values()]).toEqual(['complete']);
      expect(await stats('thumbnail')).toMatchObject({ paused: false, waiting: 0 });
    });

    it('lists failed jobs with error and attempts, per tenant, and redrives selected ids to completion', async () => {
      control.failing = true;
      const job = await uploadOne();
      await settled([job.thumbnail], 'failed');
      const entry = (await failedShowing([job.thumbnail])).find((j) => j.job_id === job.thumbnail);
      expect(entry).toMatchObject({
        queue: 'thumbnail',
        status: 'failed',
        error: expect.stringContaining('the renderer refused this file'),
        error_code: 'render_refused',
        attempts: 1,
      });
      expect((await stats('thumbnail'))?.failed).toBeGreaterThanOrEqual(1);

      // Another tenant's admin neither sees nor redrives it.
      const theirs = await admin('GET', '/admin/queues/thumbnail/failed', undefined, 'globex');
      expect((theirs.body.jobs as Array<{ job_id?: string }>).map((j) => j.job_id)).not.toContain(
        job.thumbnail,
      );
      const stolen = await admin(
        'POST',
        '/admin/queues/thumbnail/redrive',
        { ids: [job.thumbnail] },
        'globex',
      );
      expect(stolen).toMatchObject({ status: 202, body: { redriven: 0, not_found: [job.thumbnail] } });

      control.failing = false;
      const redriven = await admin('POST', '/admin/queues/thumbnail/redrive', { ids: [job.thumbnail] });
      expect(redriven).toMatchObject({ status: 202, body: { redriven: 1, not_found: [] } });
      expect([...(await settled([job.thumbnail], 'complete')).values()]).toEqual(['complete']);
      const after = await admin('GET', '/admin/queues/thumbnail/failed');
      expect((after.body.jobs as Array<{ job_id?: string }>).map((j) => j.job_id)).not.toContain(
        job.thumbnail,
      );
    });

    it('redrives the whole dead-letter queue without ids', async () => {
      control.failing = true;
      const jobs = [await uploadOne(), await uploadOne()].map((j) => j.thumbnail);
      await settled(jobs, 'failed');
      await failedShowing(jobs);
      control.failing = false;
      // A tenant's admin cannot empty the shared DLQ: it holds every tenant's jobs.
      expect(await admin('POST', '/admin/queues/thumbnail/redrive')).toMatchObject({
        status: 403,
        body: { error: { code: 'forbidden' } },
      });
      const all = await operator('POST', '/admin/queues/thumbnail/redrive');
      expect(all.status).toBe(202);
      expect(all.body.redriven).toBeGreaterThanOrEqual(2);
      expect([...(await settled(jobs, 'complete')).values()]).toEqual(['complete', 'complete']);
      expect((await stats('thumbnail'))?.failed).toBe(0);
    });

    it('refuses malformed admin requests with coded 400s', async () => {
      for (const [body, code] of [
        [{ ids: [] }, 'invalid_request'],
        [{ ids: Array.from({ length: 101 }, (_, i) => `job_${i}`) }, 'invalid_request'],
        [{ ids: ['../etc'] }, 'invalid_request'],
      ] as const) {
        expect(await admin('POST', '/admin/queues/thumbnail/redrive', body)).toMatchObject({
          status: 400,
          body: { error: { code } },
        });
      }
      expect(await admin('GET', '/admin/queues/thumbnail/failed?limit=0')).toMatchObject({ status: 400 });
    });
  });
}

adminSuite('embedded SQS', () => ({}));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
adminSuite('BullMQ on redis-server', () => ({ REDIS_URL: redis.url }));

describe('Bull Board at /admin/board (BullMQ)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const board = (headers: Record<string, string> = {}, path = '/admin/board') =>
    fetch(`${api.url}${path}`, { headers, redirect: 'manual' });

  it("opens only for the operator (a tenant's admin is refused): bearer, or the cookie that ?token= sets", async () => {
    expect((await board()).status).toBe(401);
    const user = await board({ authorization: `Bearer ${await api.token('acme')}` });
    expect([user.status, ((await user.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      'forbidden',
    ]);
    // Bull Board shows every tenant's jobs: a tenant's admin learns nothing from it.
    const tenantAdmin = await board({ authorization: `Bearer ${await api.token('acme', 'admin')}` });
    expect([
      tenantAdmin.status,
      ((await tenantAdmin.json()) as { error: { code: string } }).error.code,
    ]).toEqual([403, 'forbidden']);
    const adminToken = await api.token('ops', 'operator');
    const page = await board({ authorization: `Bearer ${adminToken}` });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Paperlane queues');

    // A browser: ?token= is verified, moved into the cookie, and removed from the address.
    const signIn = await board({}, `/admin/board?token=${adminToken}`);
    expect([signIn.status, signIn.headers.get('location')]).toEqual([303, '/admin/board']);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^paperlane_admin=[^;]+; Max-Age=\d+; Path=\/admin; HttpOnly; SameSite=Strict/);
    const withCookie = { cookie: cookie.split(';')[0] ?? '' };
    const queues = await board(withCookie, '/admin/board/api/queues');
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
    expect(names.length).toBeGreaterThan(0);
    // The cookie opens the read-only board, never the JSON admin routes.
    expect((await fetch(`${api.url}/admin/queues`, { headers: withCookie })).status).toBe(401);
    // A user's token in the query is refused, and sets nothing.
    const userQuery = await board({}, `/admin/board?token=${await api.token('acme')}`);
    expect([userQuery.status, userQuery.headers.get('set-cookie')]).toEqual([403, null]);
    expect((await board({ cookie: 'paperlane_admin=not-a-valid-token' })).status).toBe(401);
  });
});
