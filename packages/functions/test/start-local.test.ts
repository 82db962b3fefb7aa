import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentView, ErrorBody, UploadResponse } from '@paperlane/api';
import { silentLogger } from '@paperlane/core';
import { expectedInvoiceFields, invoiceFixture } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stoppable } from '../src/container';
import { type LocalProcess, startLocal } from '../src/local/start-local';
import { uploadForm } from './support/api-harness';
import { type ApiGet, followSession, restStatuses } from './support/rest-agreement';
import { openRealtimeClient } from './support/ws-client';

describe('npm start (embedded, one process, real job modules)', () => {
  let local: LocalProcess;
  let dataDir: string;
  let workers: Stoppable | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-local-'));
    // `npm start` exactly, except that the consumers start once a client is subscribed.
    local = await startLocal({
      env: { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error' },
      logger: silentLogger,
      queues: [],
    });
  });
  afterAll(async () => {
    await workers?.stop();
    await local?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs with no configuration: embedded store, queue and files, all healthy', async () => {
    expect(local.config.embed).toEqual({ dynamodb: true, sqs: true, files: true });
    const health = await fetch(`${local.url}/healthz`);
    expect(await health.json()).toEqual({
      status: 'ok',
      checks: { store: 'ok', queue: 'ok', files: 'ok' },
    });
  });

  it('upload → session → every job event over a real WebSocket → REST agrees, with the real jobs', async () => {
    const token = await local.token('acme');
    const auth = { authorization: `Bearer ${token}` };
    const get: ApiGet = async (path) => {
      const response = await fetch(`${local.url}${path}`, { headers: auth });
      return { status: response.status, body: await response.json() };
    };
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const response = await fetch(`${local.url}/api/upload`, {
      method: 'POST',
      headers: auth,
      body: uploadForm([{ name: 'invoice.pdf', blob: pdf }]),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as UploadResponse;
    expect(body.jobs.map((j) => j.queue).sort()).toEqual(['invoice-processing', 'thumbnail']);
    expect(body.jobs.every((j) => j.status === 'pending')).toBe(true);

    const client = await openRealtimeClient(`${local.url?.replace(/^http/, 'ws')}/ws?token=${token}`);
    try {
      expect(await client.next()).toMatchObject({ type: 'authenticated', tenant_id: 'acme' });
      client.send({ action: 'subscribe', session_id: body.session_id });
      expect(await client.next()).toEqual({ type: 'subscribed', session_id: body.session_id });
      // Consumers start only now, so every event of the session reaches the socket.
      workers = await local.container.startWorkers();
      const seen = await followSession(client, get, body.session_id);

      const documentIds = body.documents.map((d) => d.document_id);
      const rest = await restStatuses(get, {
        sessionId: body.session_id,
        documentIds,
        jobIds: [...seen.keys()],
      });
      const overWs = Object.fromEntries(seen);
      expect(rest.job).toEqual(overWs);
      expect(rest.batch).toEqual(overWs);
      expect(rest.batchMissing).toEqual([]);
      expect(rest.session).toEqual(overWs);
      expect(rest.documentStatus).toEqual(overWs);
      // OCR queued the summary into the same session: three real jobs, all complete.
      expect(Object.values(rest.queues).sort()).toEqual(['invoice-processing', 'llm-summary', 'thumbnail']);
      expect(new Set(seen.values())).toEqual(new Set(['complete']));
      expect(rest.sessionCounts).toEqual({ total_jobs: 3, completed: 3, failed: 0 });
    } finally {
      client.close();
    }

    // The document shows what the jobs produced: fields, thumbnails, summary.
    const documentId = body.documents[0]?.document_id ?? '';
    const document = (await get(`/api/documents/${documentId}`)).body as DocumentView & {
      invoices: Array<{ status: string; fields: Record<string, unknown> }>;
    };
    const expected = await expectedInvoiceFields('en-us-classic');
    expect(document.status).toBe('processed');
    expect(document.invoices[0]?.status).toBe('processed');
    expect(document.invoices[0]?.fields).toMatchObject({
      invoiceNumber: expected.invoiceNumber,
      total: expected.total,
      invoiceDate: expected.invoiceDate,
    });
    expect(document.summary).toMatchObject({ provider: expect.any(String), summary: expect.any(String) });
    expect(document.summary?.summary.length).toBeGreaterThan(0);
    const thumbnails = document.thumbnails;
    expect(thumbnails?.blurhash).toMatch(/^[0-9A-Za-z#$%*+,.:;=?@[\]^_{|}~-]{6,}$/);
    expect(thumbnails?.original.width).toBeGreaterThan(0);
    expect(thumbnails?.items.map((i) => i.requested_width)).toEqual([150, 300, 600]);
    expect(JSON.stringify(document)).not.toContain('tenants/acme');

    const first = thumbnails?.items[0];
    const image = await fetch(`${local.url}${first?.url}`, { headers: auth });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect(image.headers.get('cache-control')).toContain('private');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect([bytes.subarray(0, 4).toString('latin1'), bytes.subarray(8, 12).toString('latin1')]).toEqual([
      'RIFF',
      'WEBP',
    ]);
    const etag = image.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await fetch(`${local.url}${first?.url}`, { headers: { ...auth, 'if-none-match': etag } });
    expect([again.status, again.headers.get('etag')]).toEqual([304, etag]);

    const unrendered = await get(`/api/documents/${documentId}/thumbnails/999`);
    expect(unrendered).toMatchObject({ status: 404, body: { error: { code: 'thumbnail_not_found' } } });
    const stranger = await fetch(`${local.url}${first?.url}`, {
      headers: { authorization: `Bearer ${await local.token('globex')}` },
    });
    expect([stranger.status, ((await stranger.json()) as ErrorBody).error.code]).toEqual([404, 'not_found']);
  });
});
