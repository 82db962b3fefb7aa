import {
  corruptJpeg,
  encryptedPdf,
  manyPagePdf,
  notDocuments,
  pngDeclaring,
} from '@paperlane/adapters/files/test-support/hostile-files';
import {
  AbortedError,
  blobKeys,
  errorCode,
  isPermanent,
  type OcrProvider,
  type PaperlaneError,
  parseTraceparent,
} from '@paperlane/core';
import { expectedInvoiceFields } from '@paperlane/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvoiceProcessingHandler } from './handler';
import { type DocumentHarness, startDocumentHarness } from './test-harness';

let h: DocumentHarness;

beforeAll(async () => {
  h = await startDocumentHarness();
});
afterAll(async () => {
  await h?.stop();
});

const expected = expectedInvoiceFields;

const ingest = (fileName: string) => h.ingest(fileName);

/** An OCR provider that counts calls, around the real one. */
function counting(ocr: OcrProvider) {
  const counter = { calls: 0 };
  const provider: OcrProvider = {
    name: ocr.name,
    recognize: (input) => {
      counter.calls += 1;
      return ocr.recognize(input);
    },
  };
  return { provider, counter };
}

describe('invoice-processing', () => {
  it('reads a text-layer PDF into the invoice, stores the text, queues the summary and publishes events', async () => {
    const { tenantId, invoiceId, documentId } = await ingest('en-us-classic.pdf');
    const handler = createInvoiceProcessingHandler(h.deps());
    const ctx = await h.context('invoice-processing', { tenantId, invoiceId });

    const result = await handler(ctx);

    expect(result).toMatchObject({
      invoice_id: invoiceId,
      document_id: documentId,
      status: 'processed',
      ocr_provider: 'pdf-text',
      extractor: 'rules',
      page_count: 1,
    });
    const want = await expected('en-us-classic');
    const invoice = await h.store.invoices.get({ tenantId, invoiceId });
    expect(invoice).toMatchObject({
      status: 'processed',
      ocrProvider: 'pdf-text',
      extractor: 'rules',
      pageCount: 1,
      textKey: blobKeys.ocrText(tenantId, documentId),
    });
    expect(invoice?.error).toBeUndefined();
    expect(invoice?.processedAt).toBeDefined();
    expect(invoice?.fields).toMatchObject({
      invoiceNumber: want.invoiceNumber,
      total: want.total,
      currency: want.currency,
      invoiceDate: want.invoiceDate,
    });
    const text = await h.blobs.get(blobKeys.ocrText(tenantId, documentId));
    expect(new TextDecoder().decode(text)).toContain(String(want.invoiceNumber));
    expect(await h.store.documents.get({ tenantId, documentId })).toMatchObject({
      status: 'processed',
      pageCount: 1,
    });

    const summaryJobs = await h.store.jobs.listByDocument(tenantId, documentId);
    const summary = summaryJobs.items.find((job) => job.queue === 'llm-summary');
    expect(summary).toMatchObject({ priority: 'low', dedupeKey: `summary:${documentId}` });
    expect(result?.summary_job_id).toBe(summary?.jobId);
    // The summary continues the invoice job's trace (a child of this attempt's span).
    expect(parseTraceparent(summary?.traceId)?.traceId).toBe(ctx.span.traceId);
    expect(parseTraceparent(summary?.traceId)?.traceId).toBe(parseTraceparent(ctx.job.traceId)?.traceId);

    const mine = h.events.filter((e) => e.tenantId === tenantId);
    expect(mine.map((e) => e.type)).toEqual(['invoice.processed', 'document.processed']);
    expect(mine[0]?.payload).toMatchObject({
      invoice_id: invoiceId,
      document_id: documentId,
      total: want.total,
    });
    // Progress only moves forward and ends at 100.
    expect(ctx.progressValues.at(-1)).toBe(100);
    expect([...ctx.progressValues].sort((a, b) => a - b)).toEqual(ctx.progressValues);
  });

  it('OCRs a scanned PNG with tesseract through the same path', async () => {
    const { tenantId, invoiceId } = await ingest('fr-amount-due.png');
    const handler = createInvoiceProcessingHandler(h.deps());
    const result = await handler(await h.context('invoice-processing', { tenantId, invoiceId }));
    expect(result).toMatchObject({ status: 'processed', ocr_provider: 'tesseract' });
    const want = await expected('fr-amount-due');
    const invoice = await h.store.invoices.get({ tenantId, invoiceId });
    expect(invoice?.fields?.total).toBe(want.total);
  });

  it('is idempotent: a re-run after a crash in the follow-ups completes them without OCR or duplicates', async () => {
    const { tenantId, invoiceId, documentId } = await ingest('de-letter.pdf');
    const { provider, counter } = counting(h.deps().ocr);
    let failNext = true;
    const flaky = createInvoiceProcessingHandler(
      h.deps({
        ocr: provider,
        events: {
          publish: async (event) => {
            if (failNext) {
              failNext = false;
              throw new Error('event store unavailable');
            }
            h.events.push(event);
          },
        },
      }),
    );
    const first = await h.context('invoice-processing', { tenantId, invoiceId });
    await expect(flaky(first)).rejects.toThrow('event store unavailable');
    // The crash came after the invoice was stored: it stays processed, not error.
    expect((await h.store.invoices.get({ tenantId, invoiceId }))?.status).toBe('processed');

    const second = await flaky(await h.context('invoice-processing', { tenantId, invoiceId }));
    const third = await flaky(await h.context('invoice-processing', { tenantId, invoiceId }));
    expect(counter.calls).toBe(1);
    expect(second).toMatchObject({ already_processed: true });
    expect(third?.summary_job_id).toBe(second?.summary_job_id);
    const summaryJobs = (await h.store.jobs.listByDocument(tenantId, documentId)).items.filter(
      (job) => job.queue === 'llm-summary',
    );
    expect(summaryJobs).toHaveLength(1);
    const published = h.events.filter((e) => e.tenantId === tenantId && e.type === 'invoice.processed');
    // Published again on each re-run, always under the same id: the sink fans an id out once.
    expect(published.length).toBe(2);
    expect(new Set(published.map((e) => e.id)).size).toBe(1);
  });

  it('reads a processed invoice again when the payload asks to reprocess it', async () => {
    const { tenantId, invoiceId } = await ingest('de-letter.pdf');
    const { provider, counter } = counting(h.deps().ocr);
    const handler = createInvoiceProcessingHandler(h.deps({ ocr: provider }));
    await handler(await h.context('invoice-processing', { tenantId, invoiceId }));
    const rerun = await handler(await h.context('invoice-processing', { tenantId, invoiceId }));
    expect(rerun).toMatchObject({ already_processed: true });
    expect(counter.calls).toBe(1);
    const forced = await handler(
      await h.context('invoice-processing', { tenantId, invoiceId, reprocess: true }),
    );
    expect(forced).not.toHaveProperty('already_processed');
    expect(counter.calls).toBe(2);
    expect((await h.store.invoices.get({ tenantId, invoiceId }))?.status).toBe('processed');
  });

  it('fails permanently with not_found for a missing invoice', async () => {
    const handler = createInvoiceProcessingHandler(h.deps());
    const error = await handler(
      await h.context('invoice-processing', { tenantId: 'nobody', invoiceId: 'inv_missing' }),
    ).catch((e: unknown) => e);
    expect(isPermanent(error)).toBe(true);
    expect(errorCode(error)).toBe('not_found');
  });

  it('stops at an aborted signal, keeps the invoice processing and marks it for retry', async () => {
    const { tenantId, invoiceId } = await ingest('en-ch-letter.pdf');
    const controller = new AbortController();
    controller.abort(new Error('time budget spent'));
    const handler = createInvoiceProcessingHandler(h.deps());
    const error = await handler(
      await h.context('invoice-processing', { tenantId, invoiceId }, { signal: controller.signal }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(isPermanent(error)).toBe(false);
    const invoice = await h.store.invoices.get({ tenantId, invoiceId });
    expect(invoice?.status).toBe('processing');
    expect(invoice?.error).toMatch(/will retry/);
  });

  it('refuses an original larger than the read cap without reading it', async () => {
    const { tenantId, invoiceId } = await ingest('es-classic.pdf');
    const handler = createInvoiceProcessingHandler(
      h.deps({ limits: { maxFileBytes: 1024, maxTextBytes: 1024 } }),
    );
    const error = await handler(await h.context('invoice-processing', { tenantId, invoiceId })).catch(
      (e: unknown) => e,
    );
    expect(errorCode(error)).toBe('file_too_large');
    expect((await h.store.invoices.get({ tenantId, invoiceId }))?.status).toBe('error');
  });
});

describe('invoice-processing with hostile files', () => {
  const hostile: [string, () => Promise<Uint8Array> | Uint8Array, string][] = [
    ['an empty file', () => new Uint8Array(), 'empty_file'],
    ['HTML renamed to .pdf', () => notDocuments.html, 'unsupported_file_type'],
    ['ZIP renamed to .pdf', () => notDocuments.zip, 'unsupported_file_type'],
    ['an encrypted PDF', () => encryptedPdf(), 'encrypted_pdf'],
    ['a 500-page PDF', () => manyPagePdf(500), 'too_many_pages'],
    ['a pixel bomb (PNG declaring 20000×20000)', () => pngDeclaring(20_000, 20_000), 'pixel_limit_exceeded'],
    ['a corrupt JPEG', () => corruptJpeg(), 'corrupt_file'],
  ];

  it.each(hostile)(
    'fails %s permanently with a clear reason on the invoice and document',
    async (_, make, code) => {
      const { tenantId, invoiceId, documentId } = await h.seed(await make());
      const handler = createInvoiceProcessingHandler(h.deps());
      const error = (await handler(await h.context('invoice-processing', { tenantId, invoiceId })).catch(
        (e: unknown) => e,
      )) as PaperlaneError;
      expect(isPermanent(error)).toBe(true);
      expect(error.code).toBe(code);
      const invoice = await h.store.invoices.get({ tenantId, invoiceId });
      expect(invoice?.status).toBe('error');
      expect(invoice?.error).toContain(`(${code})`);
      expect(invoice?.fields).toBeUndefined();
      const document = await h.store.documents.get({ tenantId, documentId });
      expect(document).toMatchObject({ status: 'failed', error: invoice?.error });
      // Nothing follows a failed read.
      expect(h.events.filter((e) => e.tenantId === tenantId)).toEqual([]);
      expect(await h.blobs.head(blobKeys.ocrText(tenantId, documentId))).toBeUndefined();
    },
  );
});
