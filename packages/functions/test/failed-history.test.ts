import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadResponse } from '@paperlane/api';
import { type JobHandlers, PermanentError } from '@paperlane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderHandlers } from '../src/placeholder-handlers';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

/**
 * Failed-job history through the real HTTP app on the embedded stack (dynalite persisted under DATA_DIR, fauxqs in-process).
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

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'paperlane-lists-'));
  api = await startApi({ dataDir, handlers, workers: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  for (const names of [['a.pdf', 'b.pdf'], ['c.pdf']]) {
    const body = await upload('acme', names);
    acme.jobs.push(...body.jobs.map((j) => j.job_id));
    acme.thumbnails.push(...body.jobs.filter((j) => j.queue === 'thumbnail').map((j) => j.job_id));
    acme.documents.push(...body.documents.map((d) => d.document_id));
    acme.sessions.push(body.session_id);
  }
  globex.jobs.push(...(await upload('globex', ['g.pdf'])).jobs.map((j) => j.job_id));
}, 120_000);

afterAll(async () => {
  await api?.close();
  await rm(dataDir, { recursive: true, force: true });
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
  }, 60_000);
});
