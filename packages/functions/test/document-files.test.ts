import { createHash } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createJsonLogger } from '@paperlane/adapters';
import { createHmacBlobLinks } from '@paperlane/adapters/blob/hmac-blob-links';
import { createS3BlobLinks } from '@paperlane/adapters/blob/s3-blob-links';
import { createS3BlobStore, s3ClientConfig } from '@paperlane/adapters/blob/s3-blob-store';
import { createApp, type UploadResponse } from '@paperlane/api';
import { type BlobLinkTarget, blobKeys } from '@paperlane/core';
import { type FauxqsServer, startFauxqs } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config';
import { fileLinksFor } from '../src/file-links';
import { type ApiHarness, SAMPLE_FILES, startApi, uploadForm } from './support/api-harness';

const OWNER = 'acme';
const OTHER = 'globex';
const WIDTH = 300;
const WEBP = new Uint8Array(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 fake-thumbnail'));
/** The stored name a hostile client chose: quotes, CR/LF and a folder. */
const HOSTILE_NAME = 'x"; evil=1\r\nSet-Cookie: a=b/../Rechnung März.pdf';

let api: ApiHarness;
let pdfDocument = '';
let pdfBytes = new Uint8Array();
let hostileDocument = '';

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
async function post(tenantId: string, path: string, body: unknown) {
  return api.call(tenantId, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
async function link(tenantId: string, documentId: string, body: unknown) {
  return post(tenantId, `/api/documents/${documentId}/links`, body);
}
const errorCode = async (response: Response) =>
  [response.status, ((await json(response)).error as { code?: string } | undefined)?.code] as const;

beforeAll(async () => {
  api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  const pdf = SAMPLE_FILES.pdf();
  pdfBytes = new Uint8Array(await pdf.arrayBuffer());
  const upload = await api.call(OWNER, '/api/upload', {
    method: 'POST',
    body: uploadForm([{ name: 'Rechnung März.pdf', blob: pdf }]),
  });
  pdfDocument = ((await upload.json()) as UploadResponse).documents[0]?.document_id ?? '';

  // Placeholder jobs render nothing: record a thumbnail as the thumbnail job would.
  const key = blobKeys.thumbnail(OWNER, pdfDocument, WIDTH);
  await api.container.blobs.put(key, WEBP, { contentType: 'image/webp' });
  await api.container.store.documents.update({
    tenantId: OWNER,
    documentId: pdfDocument,
    thumbnails: {
      blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
      original: { width: 612, height: 792 },
      items: [{ requestedWidth: WIDTH, width: 300, height: 388, key }],
    },
    now: new Date(),
  });

  // A stored name no upload form would send, straight into the store.
  hostileDocument = 'doc_hostile_name';
  const bytes = new TextEncoder().encode('%PDF-1.4 hostile');
  await api.container.blobs.put(blobKeys.original(OWNER, hostileDocument), bytes, {
    contentType: 'application/pdf',
  });
  await api.container.store.documents.create({
    tenantId: OWNER,
    documentId: hostileDocument,
    fileName: HOSTILE_NAME,
    contentType: 'application/pdf',
    sizeBytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    blobKey: blobKeys.original(OWNER, hostileDocument),
    now: new Date(),
  });
});
afterAll(async () => {
  await api?.close();
});

describe('GET /api/documents/{id}/original', () => {
  it('returns the stored bytes as an attachment under the uploaded name, typed and not sniffable', async () => {
    const response = await api.call(OWNER, `/api/documents/${pdfDocument}/original`);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(pdfBytes);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await api.call(OWNER, `/api/documents/${pdfDocument}/original`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('names a hostile stored name safely: no header injection, no folders', async () => {
    const response = await api.call(OWNER, `/api/documents/${hostileDocument}/original`);
    expect(response.status).toBe(200);
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('evil')).toBeNull();
    expect(disposition).not.toMatch(/[\r\n\\/]/);
    expect(disposition.match(/"/g)).toHaveLength(2);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1] ?? '')).toBe(
      'x"; evil=1Set-Cookie: a=b_.._Rechnung März.pdf',
    );
  });

  it("is a 404 for another tenant's document and for no token a 401", async () => {
    expect(await errorCode(await api.call(OTHER, `/api/documents/${pdfDocument}/original`))).toEqual([
      404,
      'not_found',
    ]);
    expect(await errorCode(await api.call(undefined, `/api/documents/${pdfDocument}/original`))).toEqual([
      401,
      'missing_token',
    ]);
  });
});

describe('POST /api/documents/{id}/links and GET /files/{token} (HMAC, files in a folder)', () => {
  it('links the original: plain fetch with no header gets the bytes as a download', async () => {
    const response = await link(OWNER, pdfDocument, { kind: 'original' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { url: string; expires_at: string };
    expect(body.url).toMatch(/^\/files\/v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(body.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(250_000);
    expect(lifetime).toBeLessThanOrEqual(300_000);

    const file = await fetch(`${api.url}${body.url}`);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(pdfBytes);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; .*filename\*=UTF-8''Rechnung%20M%C3%A4rz\.pdf$/,
    );
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(file.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(300);
  });

  it('links a thumbnail at a rendered width (the first by default), shown inline', async () => {
    for (const body of [{ kind: 'thumbnail', width: WIDTH }, { kind: 'thumbnail' }]) {
      const response = await link(OWNER, pdfDocument, { ...body, expires_in_seconds: 60 });
      expect(response.status).toBe(200);
      const { url } = (await response.json()) as { url: string };
      const file = await fetch(`${api.url}${url}`);
      expect(file.status).toBe(200);
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(WEBP);
      expect(file.headers.get('content-type')).toBe('image/webp');
      expect(file.headers.get('content-disposition')).toBe('inline');
      expect(Number(/max-age=(\d+)/.exec(file.headers.get('cache-control') ?? '')?.[1])).toBeLessThanOrEqual(
        60,
      );
    }
  });

  it('refuses widths that do not exist and documents without thumbnails: 404 thumbnail_not_found', async () => {
    expect(await errorCode(await link(OWNER, pdfDocument, { kind: 'thumbnail', width: 640 }))).toEqual([
      404,
      'thumbnail_not_found',
    ]);
    expect(await errorCode(await link(OWNER, hostileDocument, { kind: 'thumbnail' }))).toEqual([
      404,
      'thumbnail_not_found',
    ]);
  });

  it('refuses hostile bodies with 400 invalid_request', async () => {
    const hostile: unknown[] = [
      {},
      { kind: 'everything' },
      { kind: 'original', width: 300 },
      { kind: 'thumbnail', width: 0 },
      { kind: 'thumbnail', width: 1.5 },
      { kind: 'thumbnail', width: '300' },
      { kind: 'original', expires_in_seconds: 0 },
      { kind: 'original', expires_in_seconds: 3601 },
      { kind: 'original', expires_in_seconds: '60' },
      { kind: 'original', key: 'tenants/globex/documents/d/original' },
      { kind: 'original', tenant_id: OTHER },
      ['original'],
      null,
    ];
    for (const body of hostile) {
      expect(await errorCode(await link(OWNER, pdfDocument, body)), JSON.stringify(body)).toEqual([
        400,
        'invalid_request',
      ]);
    }
    expect((await link(OWNER, pdfDocument, { kind: 'original', expires_in_seconds: 3600 })).status).toBe(200);
  });

  it("gives no link to another tenant's document (404) and none without a token (401)", async () => {
    expect(await errorCode(await link(OTHER, pdfDocument, { kind: 'original' }))).toEqual([404, 'not_found']);
    expect(await errorCode(await link(OTHER, pdfDocument, { kind: 'thumbnail' }))).toEqual([
      404,
      'not_found',
    ]);
    const anonymous = await fetch(`${api.url}/api/documents/${pdfDocument}/links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"original"}',
    });
    expect(await errorCode(anonymous)).toEqual([401, 'missing_token']);
  });

  it('refuses tampered, truncated, foreign, huge and path-like tokens: 403 invalid_file_token', async () => {
    const { url } = (await (await link(OWNER, pdfDocument, { kind: 'original' })).json()) as { url: string };
    const token = url.slice('/files/'.length);
    const [version, payload = '', mac = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const reclaimed = (change: Record<string, unknown>) =>
      `${version}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${mac}`;
    const foreign = createHmacBlobLinks({ secrets: ['a-secret-that-is-not-this-deployments-key'] });
    const foreignToken = (
      await foreign.sign(
        {
          tenantId: OWNER,
          documentId: pdfDocument,
          key: blobKeys.original(OWNER, pdfDocument),
          kind: 'original',
          contentType: 'application/pdf',
        },
        { expiresInSeconds: 60 },
      )
    ).url.slice('/files/'.length);
    const hostile = [
      `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      token.slice(0, -10),
      token.slice(0, 30),
      reclaimed({ t: OTHER }),
      reclaimed({ n: 'thumbnail', w: WIDTH }),
      reclaimed({ c: 'text/html' }),
      reclaimed({ e: (claims.e as number) + 3600 }),
      foreignToken,
      `${token}${'A'.repeat(8000)}`,
      '..%2F..%2Fapi%2Fdocuments',
      '..%5C..%5Cetc%5Cpasswd',
      'v1.%00.x',
    ];
    for (const bad of hostile) {
      const response = await fetch(`${api.url}/files/${bad}`);
      expect(await errorCode(response), bad.slice(0, 60)).toEqual([403, 'invalid_file_token']);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    // Traversal past /files never reaches a file: the URL is normalised to another route.
    for (const dots of ['..', '%2e%2e', '.%2E']) {
      const traversal = await fetch(`${api.url}/files/${dots}/api/documents/${pdfDocument}/original`);
      expect(await errorCode(traversal)).toEqual([401, 'missing_token']);
    }
    const nested = await fetch(`${api.url}/files/${token}/../../etc/passwd`);
    expect(nested.status).toBe(404);
  });
});

describe('file links with an injected clock and key (the app built in-process)', () => {
  const SECRET = 'the-test-deployments-file-link-secret-key';
  const start = Date.parse('2026-12-05T08:00:00Z');
  let now = start;
  const clock = { now: () => new Date(now) };
  const links = createHmacBlobLinks({ secrets: [SECRET], clock });
  const app = () => createApp({ ...api.deps, clock, fileLinks: links, fileTokens: links });
  const target = (): BlobLinkTarget => ({
    tenantId: OWNER,
    documentId: pdfDocument,
    key: blobKeys.thumbnail(OWNER, pdfDocument, WIDTH),
    kind: 'thumbnail',
    width: WIDTH,
    contentType: 'image/webp',
  });

  it('serves a link until it expires, caching it no longer than it lives, then 403 file_link_expired', async () => {
    now = start;
    const { url } = await links.sign(target(), { expiresInSeconds: 120 });
    const first = await app().request(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('private, max-age=120');
    now = start + 100_000;
    const later = await app().request(url);
    expect(later.headers.get('cache-control')).toBe('private, max-age=20');
    now = start + 120_000;
    const expired = await app().request(url);
    expect(await errorCode(expired)).toEqual([403, 'file_link_expired']);
  });

  it('refuses a genuine token whose key is not the one its kind, tenant and document name', async () => {
    now = start;
    const mismatches: BlobLinkTarget[] = [
      { ...target(), kind: 'original' }, // a thumbnail key under the original's kind
      { ...target(), width: 640 }, // another width than the key's
      { ...target(), key: blobKeys.thumbnail(OTHER, pdfDocument, WIDTH) },
      { ...target(), key: blobKeys.original(OWNER, hostileDocument), kind: 'original' },
      { ...target(), width: undefined },
    ];
    for (const mismatch of mismatches) {
      const { url } = await links.sign(mismatch, { expiresInSeconds: 60 });
      expect(await errorCode(await app().request(url))).toEqual([403, 'invalid_file_token']);
    }
  });

  it('answers 404 file_not_found when the file is gone, and every token 403 where no verifier is wired', async () => {
    now = start;
    const gone = await links.sign(
      { ...target(), key: blobKeys.thumbnail(OWNER, pdfDocument, 64), width: 64 },
      { expiresInSeconds: 60 },
    );
    expect(await errorCode(await app().request(gone.url))).toEqual([404, 'file_not_found']);
    const { url } = await links.sign(target(), { expiresInSeconds: 60 });
    const { fileTokens: _none, ...withoutTokens } = api.deps;
    expect(await errorCode(await createApp(withoutTokens).request(url))).toEqual([403, 'invalid_file_token']);
  });

  it('logs a file request without its token (a credential until it expires)', async () => {
    now = start;
    const lines: string[] = [];
    const logger = createJsonLogger({ level: 'info', write: (line) => lines.push(line) });
    const { url } = await links.sign(target(), { expiresInSeconds: 60 });
    const logged = createApp({ ...api.deps, clock, fileLinks: links, fileTokens: links, logger });
    expect((await logged.request(url)).status).toBe(200);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ message: 'request', path: '/files/{token}', status: 200 }),
    );
    expect(lines.join('\n')).not.toContain(url.slice('/files/'.length));
  });

  it('answers 503 file_links_unavailable where no signer is wired', async () => {
    const { fileLinks: _none, ...withoutLinks } = api.deps;
    const response = await createApp(withoutLinks).request(`/api/documents/${pdfDocument}/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(OWNER)}`, 'content-type': 'application/json' },
      body: '{"kind":"original"}',
    });
    expect(await errorCode(response)).toEqual([503, 'file_links_unavailable']);
  });
});

describe('on AWS: S3 presigned links (fauxqs S3)', () => {
  let faux: FauxqsServer;
  let client: S3Client;
  const bucket = 'paperlane-files';

  beforeAll(async () => {
    faux = await startFauxqs();
    client = new S3Client({
      ...s3ClientConfig({ endpoint: faux.endpoint, region: 'us-east-1' }),
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await createS3BlobStore({ client, bucket }).put(blobKeys.original(OWNER, pdfDocument), pdfBytes, {
      contentType: 'application/pdf',
    });
  });
  afterAll(async () => {
    client.destroy();
    await faux?.stop();
  });

  const s3App = (maxInlineFileBytes?: number) => {
    const { fileTokens: _none, ...deps } = api.deps;
    return createApp({
      ...deps,
      blobs: createS3BlobStore({ client, bucket }),
      fileLinks: createS3BlobLinks({ client, bucket }),
      ...(maxInlineFileBytes === undefined ? {} : { maxInlineFileBytes }),
    });
  };
  const authorized = async () => ({ authorization: `Bearer ${await api.token(OWNER)}` });

  it('hands out a presigned GET that plain fetch follows to the bytes', async () => {
    const response = await s3App().request(`/api/documents/${pdfDocument}/links`, {
      method: 'POST',
      headers: { ...(await authorized()), 'content-type': 'application/json' },
      body: '{"kind":"original","expires_in_seconds":90}',
    });
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const signed = new URL(url);
    expect(signed.origin).toBe(new URL(faux.endpoint).origin);
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('90');
    expect(signed.searchParams.get('response-content-disposition')).toMatch(/^attachment; /);
    const file = await fetch(url);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(pdfBytes);
  });

  it('redirects an original over the inline limit to its presigned link', async () => {
    const response = await s3App(8).request(`/api/documents/${pdfDocument}/original`, {
      headers: await authorized(),
    });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('60');
    expect(new Uint8Array(await (await fetch(location)).arrayBuffer())).toEqual(pdfBytes);
    // Under the limit the API returns the bytes itself.
    const inline = await s3App(pdfBytes.byteLength).request(`/api/documents/${pdfDocument}/original`, {
      headers: await authorized(),
    });
    expect(new Uint8Array(await inline.arrayBuffer())).toEqual(pdfBytes);
  });

  it('wires HMAC links for a local folder and presigned links (no /files verifier) for S3', async () => {
    const folder = await fileLinksFor(loadConfig({ DATA_DIR: api.dataDir }));
    expect(folder.tokens).toBeDefined();
    const s3 = await fileLinksFor(loadConfig({ DATA_DIR: api.dataDir, AWS_ENDPOINT_URL_S3: faux.endpoint }));
    expect(s3.tokens).toBeUndefined();
    const target: BlobLinkTarget = {
      tenantId: OWNER,
      documentId: pdfDocument,
      key: blobKeys.original(OWNER, pdfDocument),
      kind: 'original',
      contentType: 'application/pdf',
    };
    expect((await folder.signer.sign(target, { expiresInSeconds: 60 })).url).toMatch(/^\/files\//);
    expect((await s3.signer.sign(target, { expiresInSeconds: 60 })).url).toMatch(
      /^http:\/\/.*X-Amz-Signature=/,
    );
  });
});
