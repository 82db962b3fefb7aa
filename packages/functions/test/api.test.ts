import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, awaitJobsSettled, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ workers: true });
});
afterAll(async () => {
  await api?.close();
});

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HTTP API on a real server', () => {
  it('answers health checks without auth', async () => {
    expect(await json(await fetch(`${api.url}/healthz`))).toEqual({
      status: 200,
      body: { status: 'ok', checks: { store: 'ok', queue: 'ok', files: 'ok' } },
    });
  });

  it('refuses a missing or forged token with a machine-readable code', async () => {
    const none = await json(await api.call(undefined, '/api/jobs/job_x'));
    expect(none).toMatchObject({ status: 401, body: { error: { code: 'missing_token' } } });
    const forged = await json(
      await fetch(`${api.url}/api/jobs/job_x`, {
        headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnRJZCI6InQiLCJzdWIiOiJ1In0.' },
      }),
    );
    expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
  });

  it('accepts an upload at once and runs its jobs to completion', async () => {
    const response = await api.call('tenant-a', '/api/upload', {
      method: 'POST',
      body: uploadForm([
        { name: 'invoice.pdf', blob: SAMPLE_FILES.pdf() },
        { name: 'scan.png', blob: SAMPLE_FILES.png() },
      ]),
    });
    const { status, body } = await json(response);
    expect(status).toBe(202);
    expect(body.documents).toHaveLength(2);
    expect(body.jobs).toHaveLength(4);
    expect((body.documents as Array<{ content_type: string }>).map((d) => d.content_type).sort()).toEqual([
      'application/pdf',
      'image/png',
    ]);
    const sessionId = body.session_id as string;
    const statuses = await awaitJobsSettled(
      api.container,
      'tenant-a',
      (body.jobs as Array<{ job_id: string }>).map((j) => j.job_id),
    );
    expect([...statuses.values()]).toEqual(['complete', 'complete', 'complete', 'complete']);
    const session = (await json(await api.call('tenant-a', `/api/upload-sessions/${sessionId}`))).body;
    expect(session).toMatchObject({ session_id: sessionId, total_jobs: 4, completed: 4, failed: 0 });
  });

  it('hides other tenants: their job, document and session are 404, never 403', async () => {
    const upload = await json(
      await api.call('tenant-a', '/api/upload', {
        method: 'POST',
        body: uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }]),
      }),
    );
    const jobId = (upload.body.jobs as Array<{ job_id: string }>)[0]!.job_id;
    const documentId = (upload.body.documents as Array<{ document_id: string }>)[0]!.document_id;
    const sessionId = upload.body.session_id as string;
    for (const path of [
      `/api/jobs/${jobId}`,
      `/api/documents/${documentId}`,
      `/api/documents/${documentId}/status`,
      `/api/upload-sessions/${sessionId}`,
    ]) {
      expect((await api.call('tenant-a', path)).status).toBe(200);
      const other = await json(await api.call('tenant-b', path));
      expect(other).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }
    for (const action of ['retry', 'cancel']) {
      expect((await api.call('tenant-b', `/api/jobs/${jobId}/${action}`, { method: 'POST' })).status).toBe(
        404,
      );
    }
    const batch = await json(await api.call('tenant-b', `/api/jobs/batch?ids=${jobId}`));
    expect(batch.body).toEqual({ jobs: [], missing: [jobId] });
  });
});
