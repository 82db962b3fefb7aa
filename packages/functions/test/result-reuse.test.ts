import type { UploadResponse } from '@paperlane/api';
import type { OcrProvider } from '@paperlane/core';
import { createInvoiceProcessingHandler } from '@paperlane/jobs/invoice-processing/handler';
import { invoiceFixture, type RedisServer, startRedis } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerWiring } from '../src/container';
import { documentJobDeps } from '../src/documents/document-job-deps';
import { createJobHandlers } from '../src/handlers';
import { type ApiHarness, awaitJobsSettled, startApi, uploadForm } from './support/api-harness';

interface JobView {
  job_id: string;
  queue: string;
  status: string;
  result?: Record<string, unknown>;
}
interface DocumentView {
  document_id: string;
  status: string;
  invoices: Array<{ fields?: Record<string, unknown>; reused_from?: { document_id: string } }>;
}

/** Every job module as `npm start` wires them, with the OCR port counting its calls. */
function countingHandlers(counter: { ocr: number }) {
  return (wiring: HandlerWiring) => {
    const deps = documentJobDeps(wiring);
    const ocr: OcrProvider = {
      name: deps.ocr.name,
      recognize: (input) => {
        counter.ocr += 1;
        return deps.ocr.recognize(input);
      },
    };
    return {
      ...createJobHandlers(wiring),
      'invoice-processing': createInvoiceProcessingHandler({ ...deps, ocr }),
    };
  };
}

const runtimes = [
  { name: 'SQS lanes (embedded fauxqs)', redis: false },
  { name: 'BullMQ (redis-server)', redis: true },
] as const;

describe.each(runtimes)('result reuse on $name', ({ redis: useRedis }) => {
  let redis: RedisServer | undefined;
  let api: ApiHarness;
  const counter = { ocr: 0 };
  let pdf: Blob;

  beforeAll(async () => {
    redis = useRedis ? await startRedis() : undefined;
    api = await startApi({
      env: redis ? { REDIS_URL: redis.url } : {},
      handlers: countingHandlers(counter),
      workers: true,
    });
    expect(api.container.config.transport).toBe(useRedis ? 'bullmq' : 'sqs');
    pdf = new Blob([await invoiceFixture('de-letter.pdf')], { type: 'application/pdf' });
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  /** Uploads the file, waits for its OCR and thumbnail jobs, and returns the OCR job and the document. */
  async function uploadAndSettle(tenantId: string, fields: Record<string, string> = {}, file = pdf) {
    const response = await api.call(tenantId, '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'invoice.pdf', blob: file }], fields),
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as UploadResponse;
    const ids = body.jobs.map((job) => job.job_id);
    await awaitJobsSettled(api.container, tenantId, ids);
    const ocrJob = body.jobs.find((job) => job.queue === 'invoice-processing');
    const job = (await (await api.call(tenantId, `/api/jobs/${ocrJob?.job_id}`)).json()) as JobView;
    const documentId = body.documents[0]?.document_id;
    const document = (await (
      await api.call(tenantId, `/api/documents/${documentId}`)
    ).json()) as DocumentView;
    return { job, document };
  }

  it('the second upload of the same bytes runs no OCR and gets the same fields; the job shows the reuse', async () => {
    const before = counter.ocr;
    const first = await uploadAndSettle('acme');
    expect(first.job.status).toBe('complete');
    expect(counter.ocr).toBe(before + 1);

    const second = await uploadAndSettle('acme');
    expect(counter.ocr).toBe(before + 1);
    expect(second.job).toMatchObject({
      status: 'complete',
      result: {
        reused_from: { document_id: first.document.document_id },
        saved: { ocr_pages: 0, llm_tokens: 0 },
      },
    });
    expect(second.document.status).toBe('processed');
    expect(second.document.invoices[0]?.fields).toEqual(first.document.invoices[0]?.fields);
    expect(second.document.invoices[0]?.reused_from).toMatchObject({
      document_id: first.document.document_id,
    });
  });

  it('another tenant uploading the same bytes gets a full run', async () => {
    await uploadAndSettle('acme');
    const before = counter.ocr;
    const foreign = await uploadAndSettle('globex');
    expect(counter.ocr).toBe(before + 1);
    expect(foreign.job.status).toBe('complete');
    expect(foreign.job.result).not.toHaveProperty('reused_from');
    expect(foreign.document.invoices[0]?.reused_from).toBeUndefined();
  });

  it('an upload with reprocess=true reads the file again', async () => {
    await uploadAndSettle('acme');
    const before = counter.ocr;
    const forced = await uploadAndSettle('acme', { reprocess: 'true' });
    expect(counter.ocr).toBe(before + 1);
    expect(forced.job.result).not.toHaveProperty('reused_from');
  });

  it('a presigned completion reuses by default and reads again with reprocess: true', async () => {
    await uploadAndSettle('acme');
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    const complete = async (extra: Record<string, unknown>) => {
      const asked = await api.call('acme', '/api/uploads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ file_name: 'big.pdf', size_bytes: bytes.byteLength }] }),
      });
      const target = (await asked.json()) as {
        session_id: string;
        uploads: Array<{ upload_id: string; url: string }>;
      };
      const [slot] = target.uploads;
      expect((await api.call('acme', slot?.url ?? '', { method: 'PUT', body: bytes })).status).toBe(204);
      const done = await api.call('acme', `/api/uploads/${target.session_id}/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uploads: [{ upload_id: slot?.upload_id, file_name: 'big.pdf' }], ...extra }),
      });
      expect(done.status).toBe(202);
      const body = (await done.json()) as UploadResponse;
      await awaitJobsSettled(
        api.container,
        'acme',
        body.jobs.map((job) => job.job_id),
      );
      const ocrJob = body.jobs.find((job) => job.queue === 'invoice-processing');
      return (await (await api.call('acme', `/api/jobs/${ocrJob?.job_id}`)).json()) as JobView;
    };
    const before = counter.ocr;
    const reused = await complete({});
    expect(counter.ocr).toBe(before);
    expect(reused.result).toHaveProperty('reused_from');
    const forced = await complete({ reprocess: true });
    expect(counter.ocr).toBe(before + 1);
    expect(forced.result).not.toHaveProperty('reused_from');
  });

  it('a file whose first reading failed is read (and fails) again: a failure is never reused', async () => {
    const broken = new Blob([Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')]);
    const before = counter.ocr;
    const first = await uploadAndSettle('initech', {}, broken);
    const second = await uploadAndSettle('initech', {}, broken);
    expect([first.job.status, second.job.status]).toEqual(['failed', 'failed']);
    expect(counter.ocr).toBe(before + 2);
  });

  it('refuses a reprocess flag that is not a boolean', async () => {
    const response = await api.call('acme', '/api/upload', {
      method: 'POST',
      body: uploadForm([{ name: 'invoice.pdf', blob: pdf }], { reprocess: 'yes' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_upload_option' } });
    const complete = await api.call('acme', '/api/uploads/ses_01JD3Y8K6V/complete', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        uploads: [{ upload_id: 'upl_01JD3Y8K6V', file_name: 'a.pdf' }],
        reprocess: 'true',
      }),
    });
    expect(complete.status).toBe(400);
  });
});
