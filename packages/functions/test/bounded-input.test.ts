/**
 * Bounded input at the API boundary, through a real server: a body too deep, too wide
 * or too large gets a coded 4xx the moment it is known to be, nothing reads it whole,
 * and the server keeps answering /healthz while it arrives.
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { pngDeclaring } from '@paperlane/adapters/files/test-support/hostile-files';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers } from '../src/handlers';
import { type ApiHarness, awaitJobsSettled, startApi, uploadForm } from './support/api-harness';
import {
  deepEventBody,
  nestedObject,
  outcome,
  sendStreamed,
  streamedBody,
  streamedJson,
  streamedUpload,
} from './support/hostile-bodies';

const MiB = 1024 * 1024;
let api: ApiHarness;

beforeAll(async () => {
  api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '10000', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
});
afterAll(async () => {
  await api?.close();
});

const auth = async (tenant: string) => ({ authorization: `Bearer ${await api.token(tenant)}` });
const healthz = async () => (await fetch(`${api.url}/healthz`)).status;

function postJson(tenant: string, path: string, body: string) {
  return api.call(tenant, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('JSON bodies: depth and width are checked before anything stores them', () => {
  beforeAll(async () => {
    const created = await postJson(
      'deep',
      '/api/webhooks',
      JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['entry.*'] }),
    );
    expect(created.status).toBe(201);
  });

  it('answers the 6 KB, 1,000-deep event with 400 json_too_deep and keeps serving /healthz', async () => {
    const body = deepEventBody(1000);
    expect(body.length).toBeLessThan(7000);
    const [deep, during] = await Promise.all([
      outcome(await postJson('deep', '/api/events', body)),
      healthz(),
    ]);
    expect(deep).toEqual({ status: 400, code: 'json_too_deep' });
    expect(during).toBe(200);
    expect(await healthz()).toBe(200);
  });

  it('accepts an event nested as deep as the store allows and refuses one level more', async () => {
    const publish = (depth: number) =>
      postJson(
        'deep',
        '/api/events',
        JSON.stringify({ event: 'entry.approved', payload: nestedObject(depth) }),
      );
    const fits = await publish(24);
    expect(fits.status).toBe(202);
    expect(await fits.json()).toMatchObject({ deliveries: 1 });
    // Within the boundary's 32 levels, past what a payload may hold two levels down in the store.
    expect(await outcome(await publish(25))).toEqual({ status: 400, code: 'json_too_deep' });
    expect(await outcome(await publish(32))).toEqual({ status: 400, code: 'json_too_deep' });
  });

  it('refuses too many keys or elements with 400 json_too_many_entries', async () => {
    const wide = JSON.stringify({ files: Array.from({ length: 10_001 }, () => 0) });
    expect(await outcome(await postJson('deep', '/api/uploads', wide))).toEqual({
      status: 400,
      code: 'json_too_many_entries',
    });
  });

  it('answers a deep body on every JSON route, not only events', async () => {
    const deep = `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const path of ['/api/automations', '/api/mailboxes', '/api/uploads', '/api/webhooks']) {
      expect(await outcome(await postJson('deep', path, deep)), path).toEqual({
        status: 400,
        code: 'json_too_deep',
      });
    }
  });
});

describe('body size: refused at the limit, never read whole', () => {
  it('refuses 100 MB of streamed JSON with 413 payload_too_large after reading about the limit', async () => {
    const json = streamedJson(100 * MiB);
    const response = await sendStreamed(`${api.url}/api/uploads`, json, await auth('big'));
    expect(await outcome(response)).toEqual({ status: 413, code: 'payload_too_large' });
    // The default JSON limit is 1 MiB; socket buffers account for the rest.
    expect(json.produced()).toBeLessThan(16 * MiB);
  });

  it('refuses a declared 100 MB Content-Length before the body arrives', async () => {
    const headers = { ...(await auth('big')), 'content-type': 'application/json' };
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${api.url}/api/automations`, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(100 * MiB) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"name":"');
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('refuses a streamed 300 MB upload at the file limit, with bounded memory and /healthz answering', async () => {
    const before = process.memoryUsage.rss();
    let peak = before;
    const upload = streamedUpload(300 * MiB, () => {
      peak = Math.max(peak, process.memoryUsage.rss());
    });
    const response = sendStreamed(`${api.url}/api/upload`, upload, await auth('huge'));
    // While the body is still arriving (the file limit is 25 MiB), the server answers.
    await upload.reached(8 * MiB);
    expect(await healthz()).toBe(200);
    expect(await outcome(await response)).toEqual({ status: 413, code: 'file_too_large' });
    expect(upload.produced()).toBeLessThan(100 * MiB);
    // One file held up to its limit (25 MiB), not the 300 MB sent (was +1.3 GB).
    expect(peak - before).toBeLessThan(96 * MiB);
    expect(existsSync(join(api.dataDir, 'files', 'tenants', 'huge'))).toBe(false);
  });
});

describe('bearer tokens', () => {
  /** An HS256 token with exactly these claims (mintToken always sets exp). */
  function sign(claims: Record<string, unknown>): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${createHmac('sha256', api.secret).update(unsigned).digest('base64url')}`;
  }
  const now = () => Math.floor(Date.now() / 1000);
  const jobs = (authorization: string) => fetch(`${api.url}/api/webhooks`, { headers: { authorization } });

  it('refuses a token without exp, or one that lives longer than 30 days, with coded 401s', async () => {
    const claims = { sub: 'u', tenantId: 'acme', role: 'user', iat: now() };
    expect(await outcome(await jobs(`Bearer ${sign(claims)}`))).toEqual({
      status: 401,
      code: 'token_expiry_required',
    });
    const yearLong = sign({ ...claims, exp: now() + 365 * 86_400 });
    expect(await outcome(await jobs(`Bearer ${yearLong}`))).toEqual({
      status: 401,
      code: 'token_lifetime_too_long',
    });
    // No iat to measure from: the lifetime counts from now.
    const { iat: _iat, ...noIat } = claims;
    const far = sign({ ...noIat, exp: now() + 40 * 86_400 });
    expect(await outcome(await jobs(`Bearer ${far}`))).toEqual({
      status: 401,
      code: 'token_lifetime_too_long',
    });
    expect((await jobs(`Bearer ${sign({ ...claims, exp: now() + 30 * 86_400 })}`)).status).toBe(200);
  });

  it('matches the scheme in any case', async () => {
    const token = await api.token('acme');
    for (const scheme of ['bearer', 'BEARER', 'Bearer', 'bEaReR']) {
      expect((await jobs(`${scheme} ${token}`)).status, scheme).toBe(200);
    }
    expect(await outcome(await jobs(`Basic ${token}`))).toEqual({ status: 401, code: 'missing_token' });
  });
});

describe('local presigned PUT', () => {
  async function slot(tenant: string, sizeBytes: number) {
    const response = await postJson(
      tenant,
      '/api/uploads',
      JSON.stringify({ files: [{ file_name: 'a.pdf', size_bytes: sizeBytes }] }),
    );
    const body = (await response.json()) as { session_id: string; uploads: Array<{ url: string }> };
    return { sessionId: body.session_id, url: body.uploads[0]?.url ?? '' };
  }
  const staged = (tenant: string, sessionId: string) =>
    existsSync(join(api.dataDir, 'files', 'tenants', tenant, 'uploads', sessionId));

  it('refuses upload ids the API never issued', async () => {
    const { sessionId } = await slot('presign', 100);
    const forged = await api.call('presign', `/api/uploads/${sessionId}/files/upl_forged123`, {
      method: 'PUT',
      body: new Uint8Array(10),
    });
    expect(await outcome(forged)).toEqual({ status: 404, code: 'upload_not_found' });
    expect(staged('presign', sessionId)).toBe(false);
  });

  it('refuses a body over the declared size, declared or streamed, without reading it whole', async () => {
    const { sessionId, url } = await slot('presign', 1000);
    const declared = await api.call('presign', url, { method: 'PUT', body: new Uint8Array(1001) });
    expect(await outcome(declared)).toEqual({ status: 413, code: 'file_too_large' });
    const streamed = streamedBody('%PDF-1.4\n', 64 * MiB, '', 'application/octet-stream');
    const response = await sendStreamed(`${api.url}${url}`, streamed, await auth('presign'), 'PUT');
    expect(await outcome(response)).toEqual({ status: 413, code: 'file_too_large' });
    expect(streamed.produced()).toBeLessThan(32 * MiB);
    expect(staged('presign', sessionId)).toBe(false);
    // Within the size it is stored, whatever type the client declares (the bytes are not parsed here).
    const asJson = {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(1000),
    };
    expect((await api.call('presign', url, asJson)).status).toBe(204);
  });
});

describe('a pixel bomb', () => {
  let real: ApiHarness;
  beforeAll(async () => {
    real = await startApi({ handlers: createJobHandlers, workers: true });
  });
  afterAll(async () => {
    await real?.close();
  });

  it('passes the upload (its bytes are a PNG) and fails both jobs with pixel_limit_exceeded', async () => {
    const bomb = pngDeclaring(50_000, 50_000);
    const response = await real.call('bomb', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'bomb.png', blob: new Blob([bomb]) }]),
    });
    expect(response.status).toBe(202);
    const { jobs } = (await response.json()) as { jobs: Array<{ job_id: string }> };
    const ids = jobs.map((j) => j.job_id);
    const settled = await awaitJobsSettled(real.container, 'bomb', ids);
    expect([...settled.values()]).toEqual(['failed', 'failed']);
    for (const id of ids) {
      const job = (await (await real.call('bomb', `/api/jobs/${id}`)).json()) as { error_code?: string };
      expect(job.error_code).toBe('pixel_limit_exceeded');
    }
  });
});
