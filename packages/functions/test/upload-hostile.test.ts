import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';
import { outcome, sendStreamed, streamedUpload } from './support/hostile-bodies';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({
    env: { UPLOAD_MAX_FILE_BYTES: '2048', UPLOAD_MAX_FILES: '5', RATE_LIMIT_PER_MINUTE: '1000' },
  });
});
afterAll(async () => {
  await api?.close();
});

async function upload(body: FormData | string, headers: Record<string, string> = {}) {
  const response = await api.call('hostile', '/api/upload', { method: 'POST', body, headers });
  const payload = (await response.json()) as { error?: { code: string; message: string } };
  return { status: response.status, code: payload.error?.code, message: payload.error?.message };
}

/** Nothing was kept for the tenant: ingest stores files first, so no folder means no records either. */
async function nothingStored() {
  return !existsSync(join(api.dataDir, 'files', 'tenants', 'hostile'));
}

describe('POST /api/upload with hostile input: a clear 4xx and nothing stored', () => {
  const cases: Array<[string, () => Promise<{ status: number; code?: string }>, number, string]> = [
    ['no files at all', () => upload(uploadForm([])), 400, 'no_files'],
    ['an empty file', () => upload(uploadForm([{ name: 'e.pdf', blob: new Blob([]) }])), 400, 'empty_file'],
    [
      'a file over the size limit',
      () => upload(uploadForm([{ name: 'big.pdf', blob: new Blob([Buffer.alloc(4096, 0x25)]) }])),
      413,
      'file_too_large',
    ],
    [
      'HTML renamed to .pdf',
      () => upload(uploadForm([{ name: 'x.pdf', blob: new Blob(['<!doctype html><p>hi']) }])),
      415,
      'unsupported_file_type',
    ],
    [
      'a ZIP renamed to .png',
      () =>
        upload(uploadForm([{ name: 'x.png', blob: new Blob([Buffer.from('504b0304140000000800', 'hex')]) }])),
      415,
      'unsupported_file_type',
    ],
    [
      '1000 files',
      () =>
        upload(
          uploadForm(
            Array.from({ length: 1000 }, (_, i) => ({ name: `${i}.pdf`, blob: SAMPLE_FILES.pdf() })),
          ),
        ),
      413,
      'too_many_files',
    ],
    [
      'six small files (over the count limit)',
      () =>
        upload(
          uploadForm(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.pdf`, blob: SAMPLE_FILES.pdf() }))),
        ),
      413,
      'too_many_files',
    ],
    [
      'mass assignment: tenant_id and status fields',
      () =>
        upload(
          uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }], {
            tenant_id: 'victim',
            status: 'complete',
          }),
        ),
      400,
      'unknown_field',
    ],
    ['files sent as text', () => upload(uploadForm([], { files: 'not a file' })), 400, 'invalid_file'],
    [
      'JSON instead of multipart',
      () => upload('{"files":[]}', { 'content-type': 'application/json' }),
      415,
      'unsupported_media_type',
    ],
    [
      'a broken multipart body',
      () =>
        upload('--x\r\nContent-Disposition: form-data; name="files"\r\n', {
          'content-type': 'multipart/form-data; boundary=x',
        }),
      400,
      'invalid_multipart',
    ],
    [
      'a folder_id that is not an id',
      () => upload(uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }], { folder_id: '../../etc' })),
      400,
      'invalid_folder_id',
    ],
    [
      'folder_id twice',
      () => {
        const form = uploadForm([{ name: 'a.pdf', blob: SAMPLE_FILES.pdf() }], { folder_id: 'fld_1' });
        form.append('folder_id', 'fld_2');
        return upload(form);
      },
      400,
      'invalid_folder_id',
    ],
    [
      'a file part under another name',
      () => {
        const form = new FormData();
        form.append('attachment', SAMPLE_FILES.pdf(), 'a.pdf');
        return upload(form);
      },
      400,
      'unknown_field',
    ],
    [
      'a multipart body without a boundary',
      () => upload('--x--\r\n', { 'content-type': 'multipart/form-data' }),
      400,
      'invalid_multipart',
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, code) => {
    const result = await send();
    expect(result).toMatchObject({ status, code });
    expect(await nothingStored()).toBe(true);
  });

  it('keeps a hostile file name harmless: path parts and control characters are stripped', async () => {
    const response = await api.call('hostile', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: '../../etc/pass\u0000wd\u202e.pdf', blob: SAMPLE_FILES.pdf() }]),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { documents: Array<{ file_name: string }> };
    expect(body.documents[0]?.file_name).toBe('passwd.pdf');
    expect(await nothingStored()).toBe(false);
  });
});

describe('POST /api/upload over the request size limit', () => {
  it('refuses the body before reading it all: 413 payload_too_large', async () => {
    const small = await startApi({
      env: { UPLOAD_MAX_FILE_BYTES: '1048576', UPLOAD_MAX_FILES: '1', UPLOAD_MAX_REQUEST_BYTES: '4096' },
    });
    try {
      const response = await small.call('big', '/api/upload', {
        method: 'POST',
        body: uploadForm([{ name: 'a.pdf', blob: new Blob([Buffer.alloc(64 * 1024, 0x25)]) }]),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      // Chunked, with no length to check first: counted as it streams.
      const streamed = streamedUpload(8 * 1024 * 1024);
      const chunked = await sendStreamed(`${small.url}/api/upload`, streamed, {
        authorization: `Bearer ${await small.token('big')}`,
      });
      expect(await outcome(chunked)).toEqual({ status: 413, code: 'payload_too_large' });
      expect(streamed.produced()).toBeLessThan(8 * 1024 * 1024);
    } finally {
      await small.close();
    }
  });
});
