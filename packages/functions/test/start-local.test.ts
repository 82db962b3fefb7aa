import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@paperlane/core';
import { expectedInvoiceFields, invoiceFixture } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalProcess, startLocal } from '../src/local/start-local';
import { awaitJobsSettled, uploadForm } from './support/api-harness';

describe('npm start (embedded, one process)', () => {
  let local: LocalProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'paperlane-local-'));
    local = await startLocal({
      env: { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error' },
      logger: silentLogger,
    });
  });
  afterAll(async () => {
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

  it('answers an upload at once, then OCR, extraction, thumbnails and the summary run in the same process', async () => {
    const token = await local.token('acme');
    const auth = { authorization: `Bearer ${token}` };
    const pdf = new Blob([await invoiceFixture('en-us-classic.pdf')], { type: 'application/pdf' });
    const response = await fetch(`${local.url}/api/upload`, {
      method: 'POST',
      headers: auth,
      body: uploadForm([{ name: 'invoice.pdf', blob: pdf }]),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      session_id: string;
      documents: Array<{ document_id: string }>;
      jobs: Array<{ job_id: string; queue: string }>;
    };
    expect(body.jobs.map((j) => j.queue).sort()).toEqual(['invoice-processing', 'thumbnail']);
    const statuses = await awaitJobsSettled(
      local.container,
      'acme',
      body.jobs.map((j) => j.job_id),
    );
    expect([...statuses.values()]).toEqual(['complete', 'complete']);

    const documentId = body.documents[0]?.document_id ?? '';
    const document = (await (
      await fetch(`${local.url}/api/documents/${documentId}`, { headers: auth })
    ).json()) as {
      invoices: Array<{ status: string; fields: Record<string, unknown> }>;
    };
    const expected = await expectedInvoiceFields('en-us-classic');
    expect(document.invoices[0]?.status).toBe('processed');
    expect(document.invoices[0]?.fields).toMatchObject({
      invoiceNumber: expected.invoiceNumber,
      total: expected.total,
      invoiceDate: expected.invoiceDate,
    });

    // OCR enqueued the summary into the same session; wait for it as well.
    const session = (await (
      await fetch(`${local.url}/api/upload-sessions/${body.session_id}`, { headers: auth })
    ).json()) as {
      jobs: Array<{ job_id: string; queue: string }>;
    };
    const summary = session.jobs.find((j) => j.queue === 'llm-summary');
    expect(summary).toBeDefined();
    await awaitJobsSettled(local.container, 'acme', [summary?.job_id ?? '']);
    const settled = (await (
      await fetch(`${local.url}/api/upload-sessions/${body.session_id}`, { headers: auth })
    ).json()) as {
      total_jobs: number;
      completed: number;
    };
    expect(settled).toMatchObject({ total_jobs: 3, completed: 3 });
  });
});
