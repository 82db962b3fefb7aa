import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadResponse } from '@paperlane/api';
import { type JobHandlers, PermanentError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderHandlers } from '../src/placeholder-handlers';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

/**
 * The list and search routes, failed-job groups and bulk retry through the real HTTP
 * app on the embedded stack (dynalite persisted under DATA_DIR, fauxqs in-process).
 * Thumbnails fail permanently while `failing` is set, so there are failed records.
 */
const control = { failing: true };
const handlers: JobHandlers = {
  ...placeholderHandlers,
  thumbnail: async () => {
    if (control.failing)
      throw new PermanentError('the renderer refused this file', { code: 'render_refused' });
    return { rendered: true };
  },
};

let dataDir: string;
let api: ApiHarness;
const acme = {
  jobs: [] as string[],
  thumbnails: [] as string[],
  documents: [] as string[],
  sessions: [] as string[],
  sessionJobs: {} as Record<string, number>,
};
const globex = { jobs: [] as string[] };

async function call(
  tenantId: string,
  method: string,
  path: string,
  body?: unknown,
  role: 'user' | 'admin' | 'operator' = 'user',
) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await api.token(tenantId, role)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { error?: { code: string } },
  };
}

async function upload(tenantId: string, names: string[]): Promise<UploadResponse> {
  const response = await api.call(tenantId, '/api/upload', {
    method: 'POST',
    body: uploadForm(names.map((name) => ({ name, blob: SAMPLE_FILES.pdf() }))),
  });
  expect(response.status).toBe(202);
  const body = (await response.json()) as UploadResponse;
  await awaitJobsSettled(
    api.container,
    tenantId,
    body.jobs.map((j) => j.job_id),
  );
  return body;
}

/** Follows `next_cursor` to the end and returns every item's `key`. */
async function pageAll(tenantId: string, path: string, key: string, role: 'user' | 'admin' = 'user') {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const { status, body } = await call(
      tenantId,
      'GET',
      `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      role,
    );
    expect(status).toBe(200);
    seen.push(...(body.items as Array<Record<string, string>>).map((item) => String(item[key])));
    cursor = body.next_cursor as string | null;
    if (cursor === null) return seen;
  }
  throw new Error('paging did not end');
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'paperlane-lists-'));
  api = await startApi({ dataDir, handlers, workers: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  for (const names of [['a.pdf', 'b.pdf'], ['c.pdf']]) {
    const body = await upload('acme', names);
    acme.jobs.push(...body.jobs.map((j) => j.job_id));
    acme.thumbnails.push(...body.jobs.filter((j) => j.queue === 'thumbnail').map((j) => j.job_id));
    acme.documents.push(...body.documents.map((d) => d.document_id));
    acme.sessions.push(body.session_id);
    acme.sessionJobs[body.session_id] = body.jobs.length;
  }
  globex.jobs.push(...(await upload('globex', ['g.pdf'])).jobs.map((j) => j.job_id));
}, 120_000);

afterAll(async () => {
  await api?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('GET /api/jobs, /api/documents, /api/upload-sessions', () => {
  it('pages through exactly the tenant’s jobs at any page size, with each filter', async () => {
    for (const limit of [1, 3, 100]) {
      const ids = await pageAll('acme', `/api/jobs?limit=${limit}`, 'job_id');
      expect(ids.sort()).toEqual([...acme.jobs].sort());
    }
    expect((await pageAll('acme', '/api/jobs?status=failed&limit=2', 'job_id')).sort()).toEqual(
      [...acme.thumbnails].sort(),
    );
    expect((await pageAll('acme', '/api/jobs?error_code=render_refused', 'job_id')).sort()).toEqual(
      [...acme.thumbnails].sort(),
    );
    expect(await pageAll('acme', '/api/jobs?queue=thumbnail&status=complete', 'job_id')).toEqual([]);
    const session = acme.sessions[1] as string;
    const inSession = await pageAll('acme', `/api/jobs?session_id=${session}&limit=1`, 'job_id');
    expect(inSession.length).toBeGreaterThan(0);
    expect(inSession.every((id) => acme.jobs.includes(id))).toBe(true);
    const document = acme.documents[0] as string;
    const ofDocument = await call('acme', 'GET', `/api/jobs?document_id=${document}`);
    expect(
      (ofDocument.body.items as Array<{ document_id: string }>).every((j) => j.document_id === document),
    ).toBe(true);
    // The same presenter as GET /api/jobs/{job_id}.
    const one = await call('acme', 'GET', `/api/jobs/${acme.thumbnails[0]}`);
    const listed = (await call('acme', 'GET', `/api/jobs?status=failed&limit=100`)).body.items as unknown[];
    expect(listed).toContainEqual(one.body);
    // A time range that ends before anything was created is empty.
    expect(await pageAll('acme', '/api/jobs?created_before=2000-01-01', 'job_id')).toEqual([]);
    expect((await pageAll('globex', '/api/jobs', 'job_id')).sort()).toEqual([...globex.jobs].sort());
  });

  it('lists documents and upload sessions newest first, per tenant', async () => {
    const documents = await pageAll('acme', '/api/documents?limit=1', 'document_id');
    expect(documents.sort()).toEqual([...acme.documents].sort());
    expect(await pageAll('acme', '/api/documents?status=failed', 'document_id')).toEqual([]);
    const sessions = await pageAll('acme', '/api/upload-sessions?limit=1', 'session_id');
    expect(sessions).toEqual([...acme.sessions].reverse());
    expect(await pageAll('globex', '/api/upload-sessions', 'session_id')).toHaveLength(1);
    // Each summary knows its job total from creation: the jobs the upload answered with.
    const summaries = (await call('acme', 'GET', '/api/upload-sessions')).body.items as Array<{
      session_id: string;
      expected_jobs: number;
    }>;
    expect(summaries.map((s) => [s.session_id, s.expected_jobs])).toEqual(
      [...acme.sessions].reverse().map((id) => [id, acme.sessionJobs[id]]),
    );
    expect(await pageAll('acme', '/api/documents?vendor=nobody', 'document_id')).toEqual([]);
  });

  it('refuses hostile queries with coded 400s', async () => {
    const first = await call('acme', 'GET', '/api/jobs?limit=1');
    const cursor = String(first.body.next_cursor);
    const cases: Array<[string, string, string]> = [
      ['acme', '/api/jobs?limit=0', 'invalid_request'],
      ['acme', '/api/jobs?limit=1000', 'invalid_request'],
      ['acme', '/api/jobs?limit=abc', 'invalid_request'],
      ['acme', '/api/jobs?status=bogus', 'invalid_request'],
      ['acme', '/api/jobs?what=ever', 'invalid_request'],
      ['acme', `/api/jobs?session_id=${'x'.repeat(300)}`, 'invalid_request'],
      ['acme', `/api/jobs?error_code=${'e'.repeat(5000)}`, 'invalid_request'],
      ['acme', '/api/jobs?created_after=yesterday', 'validation_error'],
      ['acme', '/api/jobs?created_after=2030-02-01&created_before=2030-01-01', 'validation_error'],
      ['acme', '/api/documents?date_from=2030-02-31T99:00:00Z', 'validation_error'],
      ['acme', '/api/jobs?cursor=not-a-cursor', 'invalid_cursor'],
      ['acme', `/api/jobs?cursor=${'A'.repeat(9000)}`, 'invalid_cursor'],
      ['acme', `/api/jobs?status=failed&cursor=${cursor}`, 'invalid_cursor'],
      ['acme', `/api/documents?cursor=${cursor}`, 'invalid_cursor'],
      ['globex', `/api/jobs?limit=1&cursor=${cursor}`, 'invalid_cursor'],
    ];
    const answers = await Promise.all(
      cases.map(async ([tenant, path]) => {
        const { status, body } = await call(tenant, 'GET', path);
        return `${path.slice(0, 80)} ${status} ${body.error?.code}`;
      }),
    );
    expect(answers).toEqual(cases.map(([, path, code]) => `${path.slice(0, 80)} 400 ${code}`));
  });
});

describe('failed-job groups and bulk retry (tenant admin)', () => {
  it('groups the tenant’s failed jobs by error code; a user is refused', async () => {
    expect(await call('acme', 'GET', '/api/failed-jobs/groups')).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    const { status, body } = await call('acme', 'GET', '/api/failed-jobs/groups', undefined, 'admin');
    expect(status).toBe(200);
    expect(body).toEqual({
      groups: [
        {
          error_code: 'render_refused',
          count: acme.thumbnails.length,
          queues: ['thumbnail'],
          latest_at: expect.any(String),
          sample_job_ids: expect.arrayContaining([expect.any(String)]),
        },
      ],
      truncated: false,
    });
    const byQueue = await call(
      'acme',
      'GET',
      '/api/failed-jobs/groups?queue=llm-summary',
      undefined,
      'admin',
    );
    expect(byQueue.body.groups).toEqual([]);
    expect((await call('acme', 'GET', '/api/failed-jobs/groups?queue=nope', undefined, 'admin')).status).toBe(
      400,
    );
  });

  it('counts on a dry run, retries for real, and never touches another tenant', async () => {
    const path = '/api/jobs/bulk-retry';
    expect((await call('acme', 'POST', path, { error_code: 'render_refused' })).status).toBe(403);
    const dry = await call('acme', 'POST', path, { error_code: 'render_refused', dry_run: true }, 'admin');
    expect(dry).toMatchObject({
      status: 200,
      body: { matched: acme.thumbnails.length, retried: 0, dry_run: true, truncated: false },
    });
    const still = await call('acme', 'GET', '/api/jobs?status=failed&limit=100');
    expect((still.body.items as unknown[]).length).toBe(acme.thumbnails.length);
    // Another tenant's admin matches only its own failed job, and none of acme's by id.
    expect(
      (await call('globex', 'POST', path, { error_code: 'render_refused', dry_run: true }, 'admin')).body,
    ).toMatchObject({ matched: 1, retried: 0 });
    expect((await call('globex', 'POST', path, { job_ids: acme.thumbnails }, 'admin')).body).toMatchObject({
      matched: 0,
      retried: 0,
    });
    for (const bad of [
      { job_ids: [] },
      { job_ids: Array.from({ length: 501 }, (_, i) => `job_${i}`) },
      { job_ids: ['../x'] },
      { error_code: 'a b' },
      { dry_run: 'yes' },
      { extra: true },
    ]) {
      expect((await call('acme', 'POST', path, bad, 'admin')).status).toBe(400);
    }

    control.failing = false;
    const first = acme.thumbnails[0] as string;
    // With an Idempotency-Key the repeat is the first answer replayed, not a second retry
    // (which would match nothing: the job is no longer failed).
    const keyed = async () =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await api.token('acme', 'admin')}`,
          'content-type': 'application/json',
          'idempotency-key': 'bulk-retry-1',
        },
        body: JSON.stringify({ job_ids: [first] }),
      });
    const byId = await keyed();
    expect(await byId.json()).toEqual({ matched: 1, retried: 1, dry_run: false, truncated: false });
    const again = await keyed();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual({ matched: 1, retried: 1, dry_run: false, truncated: false });
    const real = await call(
      'acme',
      'POST',
      path,
      { error_code: 'render_refused', queue: 'thumbnail' },
      'admin',
    );
    expect(real.body).toEqual({
      matched: acme.thumbnails.length - 1,
      retried: acme.thumbnails.length - 1,
      dry_run: false,
      truncated: false,
    });
    const settled = await awaitJobsSettled(api.container, 'acme', acme.thumbnails);
    expect([...settled.values()].every((status) => status === 'complete')).toBe(true);
    expect((await call('acme', 'GET', '/api/failed-jobs/groups', undefined, 'admin')).body.groups).toEqual(
      [],
    );
  });

  it('retries at most 500 a call and says truncated', async () => {
    const tenantId = 'initech';
    const now = new Date();
    const ids = Array.from({ length: 505 }, (_, n) => `job_mass_${String(n).padStart(4, '0')}`);
    for (let start = 0; start < ids.length; start += 50) {
      await Promise.all(
        ids.slice(start, start + 50).map(async (jobId) => {
          await api.container.store.jobs.create({
            tenantId,
            jobId,
            queue: 'llm-summary',
            payload: {},
            priority: 'low',
            traceId: 't',
            maxAttempts: 1,
            targetType: 'test',
            targetId: jobId,
            now,
            availableAt: new Date(now.getTime() + 3_600_000),
            sweepAt: new Date(now.getTime() + 3_600_000),
          });
          await api.container.store.jobs.fail({
            tenantId,
            jobId,
            error: 'x',
            errorCode: 'mass_failure',
            now,
          });
        }),
      );
    }
    const path = '/api/jobs/bulk-retry';
    expect((await call(tenantId, 'POST', path, { dry_run: true }, 'admin')).body).toEqual({
      matched: 505,
      retried: 0,
      dry_run: true,
      truncated: true,
    });
    expect((await call(tenantId, 'POST', path, { error_code: 'mass_failure' }, 'admin')).body).toEqual({
      matched: 505,
      retried: 500,
      dry_run: false,
      truncated: true,
    });
    expect((await call(tenantId, 'POST', path, { dry_run: true }, 'admin')).body).toMatchObject({
      matched: 5,
      truncated: false,
    });
  }, 60_000);
});

describe('job history survives a restart of the embedded stack', () => {
  it('lists a failed job from its record after the queues came back empty', async () => {
    control.failing = true;
    const body = await upload('acme', ['late.pdf']);
    const failed = body.jobs.find((j) => j.queue === 'thumbnail')?.job_id as string;
    expect((await call('acme', 'GET', `/api/jobs/${failed}`)).body).toMatchObject({ status: 'failed' });
    await api.close();
    // A fresh process on the same DATA_DIR: dynalite reloads its files, fauxqs starts empty.
    api = await startApi({ dataDir, handlers, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    const stats = await call('ops', 'GET', '/admin/queues', undefined, 'operator');
    const thumbnail = (stats.body.queues as Array<{ queue: string; failed: number }>).find(
      (q) => q.queue === 'thumbnail',
    );
    expect(thumbnail?.failed).toBe(0);
    const list = await call('acme', 'GET', '/admin/queues/thumbnail/failed', undefined, 'admin');
    expect(list.status).toBe(200);
    expect(list.body.jobs).toContainEqual(
      expect.objectContaining({ job_id: failed, status: 'failed', error_code: 'render_refused' }),
    );
    const other = await call('globex', 'GET', '/admin/queues/thumbnail/failed', undefined, 'admin');
    expect((other.body.jobs as Array<{ job_id: string }>).map((j) => j.job_id)).not.toContain(failed);
    expect(await pageAll('acme', '/api/jobs?status=failed', 'job_id')).toContain(failed);
    const groups = await call('acme', 'GET', '/api/failed-jobs/groups', undefined, 'admin');
    expect(groups.body.groups).toEqual([expect.objectContaining({ error_code: 'render_refused', count: 1 })]);
  }, 60_000);
});
