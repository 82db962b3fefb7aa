import type { ErrorBody } from '@paperlane/api';
import { createClient } from '@paperlane/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('the typed client (hono/client) against a real server', () => {
  it('reads and acts on jobs, documents and sessions with typed requests and responses', async () => {
    const client = createClient(api.url, { token: () => api.token('tenant-c') });
    const upload = await api.call('tenant-c', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'doc.pdf', blob: SAMPLE_FILES.pdf() }]),
    });
    const accepted = (await upload.json()) as {
      session_id: string;
      documents: Array<{ document_id: string }>;
      jobs: Array<{ job_id: string }>;
    };
    const [first, second] = accepted.jobs.map((j) => j.job_id) as [string, string];

    const job = await client.api.jobs[':job_id'].$get({ param: { job_id: first } });
    expect(job.status).toBe(200);
    if (job.status === 200) expect((await job.json()).status).toBe('pending');

    const batch = await client.api.jobs.batch.$get({ query: { ids: `${first},${second},job_nope` } });
    if (batch.status !== 200) expect.fail(`batch answered ${batch.status}`);
    const batchBody = await batch.json();
    expect(batchBody.jobs.map((j) => j.job_id).sort()).toEqual([first, second].sort());
    expect(batchBody.missing).toEqual(['job_nope']);

    const cancelled = await client.api.jobs[':job_id'].cancel.$post({ param: { job_id: first } });
    expect(cancelled.status).toBe(200);
    const retried = await client.api.jobs[':job_id'].retry.$post({ param: { job_id: first } });
    expect(retried.status).toBe(202);

    const status = await client.api.documents[':document_id'].status.$get({
      param: { document_id: accepted.documents[0]?.document_id ?? '' },
    });
    if (status.status === 200) expect((await status.json()).jobs).toHaveLength(2);
    else expect.fail(`document status answered ${status.status}`);

    const session = await client.api['upload-sessions'][':session_id'].$get({
      param: { session_id: accepted.session_id },
    });
    if (session.status === 200) expect((await session.json()).total_jobs).toBe(2);
    else expect.fail(`session answered ${session.status}`);

    // Placeholder jobs render nothing: the typed thumbnail route answers a coded 404.
    const thumbnail = await client.api.documents[':document_id'].thumbnails[':width'].$get({
      param: { document_id: accepted.documents[0]?.document_id ?? '', width: '300' },
    });
    // zod-openapi types a binary (image/webp) response as a bare Response, so the error body is asserted as such.
    expect(thumbnail.status).toBe(404);
    expect(((await thumbnail.json()) as ErrorBody).error.code).toBe('thumbnail_not_found');

    const stranger = createClient(api.url, { token: await api.token('tenant-d') });
    const hidden = await stranger.api.jobs[':job_id'].$get({ param: { job_id: first } });
    expect(hidden.status).toBe(404);
  });
});
