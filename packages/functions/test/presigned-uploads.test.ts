import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi } from './support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ env: { UPLOAD_MAX_FILE_BYTES: '100000', UPLOAD_MAX_FILES: '3' } });
});
afterAll(async () => {
  await api?.close();
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

interface Target {
  upload_id: string;
  method: string;
  url: string;
  max_bytes: number;
}

async function requestUploads(tenant: string, files: Array<{ file_name: string; size_bytes: number }>) {
  const response = await api.call(tenant, '/api/uploads', json({ files }));
  return {
    status: response.status,
    body: (await response.json()) as { session_id: string; uploads: Target[] },
  };
}

describe('presigned uploads (local: PUT to the API)', () => {
  it('hands out targets, stores the bytes, and completes into documents and jobs, idempotently', async () => {
    const pdf = new Uint8Array(await SAMPLE_FILES.pdf().arrayBuffer());
    const { status, body } = await requestUploads('acme', [
      { file_name: 'big.pdf', size_bytes: pdf.byteLength },
    ]);
    expect(status).toBe(201);
    const [target] = body.uploads;
    expect(target).toMatchObject({ method: 'PUT', max_bytes: pdf.byteLength });
    expect((await api.call('acme', target?.url ?? '', { method: 'PUT', body: pdf })).status).toBe(204);

    const complete = { uploads: [{ upload_id: target?.upload_id, file_name: 'big.pdf' }] };
    const first = await api.call('acme', `/api/uploads/${body.session_id}/complete`, json(complete));
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as { documents: Array<{ document_id: string }>; jobs: unknown[] };
    expect(accepted.documents).toHaveLength(1);
    expect(accepted.jobs).toHaveLength(2);
    const session = await (await api.call('acme', `/api/upload-sessions/${body.session_id}`)).json();
    expect(session).toMatchObject({ session_id: body.session_id, total_jobs: 2 });
  });

  it('refuses to complete files that were never uploaded, and hides other tenants', async () => {
    const { body } = await requestUploads('acme', [{ file_name: 'a.pdf', size_bytes: 10 }]);
    const complete = json({ uploads: [{ upload_id: body.uploads[0]?.upload_id, file_name: 'a.pdf' }] });
    const missing = await api.call('acme', `/api/uploads/${body.session_id}/complete`, complete);
    expect(missing.status).toBe(409);
    expect(await missing.json()).toMatchObject({ error: { code: 'upload_missing' } });
    const other = await api.call('other', `/api/uploads/${body.session_id}/complete`, complete);
    expect(other.status).toBe(404);
    const put = await api.call('other', body.uploads[0]?.url ?? '', {
      method: 'PUT',
      body: new Uint8Array(5),
    });
    expect(put.status).toBe(404);
  });

  it('checks the stored bytes, not the name: an HTML page called .pdf is refused', async () => {
    const { body } = await requestUploads('acme', [{ file_name: 'x.pdf', size_bytes: 100 }]);
    const target = body.uploads[0] as Target;
    await api.call('acme', target.url, { method: 'PUT', body: new TextEncoder().encode('<html>hi</html>') });
    const response = await api.call(
      'acme',
      `/api/uploads/${body.session_id}/complete`,
      json({ uploads: [{ upload_id: target.upload_id, file_name: 'x.pdf' }] }),
    );
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_file_type' } });
  });

  it('rejects hostile requests with a code: too many, too large, extra fields, malformed JSON', async () => {
    const many = await requestUploads(
      'acme',
      Array.from({ length: 4 }, (_, i) => ({ file_name: `${i}.pdf`, size_bytes: 1 })),
    );
    expect(many.status).toBe(413);
    const big = await requestUploads('acme', [{ file_name: 'huge.pdf', size_bytes: 10 ** 9 }]);
    expect(big.status).toBe(413);
    const extra = await api.call(
      'acme',
      '/api/uploads',
      json({ files: [{ file_name: 'a', size_bytes: 1 }], tenant_id: 'victim' }),
    );
    expect(extra.status).toBe(400);
    const broken = await api.call('acme', '/api/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"files": [',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'malformed_body' } });
  });
});
