import { blobKeys, type Extractor, type OcrProvider } from '@paperlane/core';
import { invoiceFixture } from '@paperlane/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInvoiceProcessingHandler } from './handler';
import { savedBy } from './reuse-result';
import { type DocumentHarness, startDocumentHarness } from './test-harness';

let h: DocumentHarness;
let png: Uint8Array;
let pdf: Uint8Array;

beforeAll(async () => {
  h = await startDocumentHarness();
  [png, pdf] = await Promise.all([invoiceFixture('fr-amount-due.png'), invoiceFixture('de-letter.pdf')]);
});
afterAll(async () => {
  await h?.stop();
});

/** The real OCR and extractor, counting the calls that cost money. */
const calls = { ocr: 0, extract: 0 };
beforeEach(() => {
  calls.ocr = 0;
  calls.extract = 0;
});
function countingDeps() {
  const base = h.deps();
  const ocr: OcrProvider = {
    name: base.ocr.name,
    recognize: (input) => {
      calls.ocr += 1;
      return base.ocr.recognize(input);
    },
  };
  // The rules read the fields; the meter reports what an LLM extractor would have used.
  const extractor: Extractor = {
    name: base.extractor.name,
    extract: (input) => {
      calls.extract += 1;
      input.onUsage?.({ promptTokens: 900, completionTokens: 80 });
      return base.extractor.extract(input);
    },
  };
  return h.deps({ ocr, extractor });
}

let tenants = 0;
const newTenant = () => `reuse-${++tenants}`;

async function processUpload(tenantId: string, bytes: Uint8Array, options: { reprocess?: true } = {}) {
  const ids = await h.ingest('invoice.bin', bytes, { tenantId });
  const handler = createInvoiceProcessingHandler(countingDeps());
  const payload = { tenantId, invoiceId: ids.invoiceId, ...options };
  const result = await handler(await h.context('invoice-processing', payload));
  return { ...ids, result };
}

const text = async (tenantId: string, documentId: string) =>
  new TextDecoder().decode(await h.blobs.get(blobKeys.ocrText(tenantId, documentId)));

describe('result reuse', () => {
  it('a second upload of the same bytes by the same tenant takes the first reading: no OCR, same fields, its own text', async () => {
    const tenantId = newTenant();
    const first = await processUpload(tenantId, png);
    expect(calls).toEqual({ ocr: 1, extract: 1 });
    expect(first.result).not.toHaveProperty('reused_from');
    // The first reading records what its extraction used.
    expect((await h.store.invoices.get({ tenantId, invoiceId: first.invoiceId }))?.usage).toEqual({
      promptTokens: 900,
      completionTokens: 80,
    });

    const second = await processUpload(tenantId, png);
    expect(calls).toEqual({ ocr: 1, extract: 1 });
    expect(second.result).toMatchObject({
      status: 'processed',
      ocr_provider: 'tesseract',
      reused_from: { document_id: first.documentId },
      saved: { ocr_pages: 1, llm_tokens: 980 },
    });
    const [source, copy] = await Promise.all([
      h.store.invoices.get({ tenantId, invoiceId: first.invoiceId }),
      h.store.invoices.get({ tenantId, invoiceId: second.invoiceId }),
    ]);
    expect(copy?.fields).toEqual(source?.fields);
    expect(copy).toMatchObject({
      status: 'processed',
      reusedFrom: { documentId: first.documentId, invoiceId: first.invoiceId },
      textKey: blobKeys.ocrText(tenantId, second.documentId),
      pageCount: source?.pageCount,
    });
    // The reused invoice spent no tokens of its own.
    expect(copy?.usage).toBeUndefined();
    expect(await text(tenantId, second.documentId)).toBe(await text(tenantId, first.documentId));
    expect(await h.store.documents.get({ tenantId, documentId: second.documentId })).toMatchObject({
      status: 'processed',
      pageCount: source?.pageCount,
    });
    const processed = h.events.filter(
      (e) => e.type === 'invoice.processed' && e.payload.invoice_id === second.invoiceId,
    );
    expect(processed).toHaveLength(1);

    // A re-run of the reused invoice still says where its reading came from, and reads nothing.
    const again = await createInvoiceProcessingHandler(countingDeps())(
      await h.context('invoice-processing', { tenantId, invoiceId: second.invoiceId }),
    );
    expect(again).toMatchObject({ already_processed: true, reused_from: { document_id: first.documentId } });
    expect(calls).toEqual({ ocr: 1, extract: 1 });
  });

  it('never crosses tenants: another tenant uploading the same bytes gets a full run', async () => {
    const owner = newTenant();
    await processUpload(owner, pdf);
    const other = await processUpload(newTenant(), pdf);
    expect(calls).toEqual({ ocr: 2, extract: 2 });
    expect(other.result).not.toHaveProperty('reused_from');
  });

  it('reprocess reads from scratch, and a reprocessed invoice no longer claims a source', async () => {
    const tenantId = newTenant();
    const first = await processUpload(tenantId, pdf);
    const forced = await processUpload(tenantId, pdf, { reprocess: true });
    expect(calls.ocr).toBe(2);
    expect(forced.result).not.toHaveProperty('reused_from');

    const reused = await processUpload(tenantId, pdf);
    expect(calls.ocr).toBe(2);
    // The forced reading is the newest success: the pointer moved to it.
    expect(reused.result).toMatchObject({ reused_from: { document_id: forced.documentId } });
    expect(first.documentId).not.toBe(forced.documentId);
    await createInvoiceProcessingHandler(countingDeps())(
      await h.context('invoice-processing', { tenantId, invoiceId: reused.invoiceId, reprocess: true }),
    );
    expect(calls.ocr).toBe(3);
    const invoice = await h.store.invoices.get({ tenantId, invoiceId: reused.invoiceId });
    expect(invoice?.reusedFrom).toBeUndefined();
  });

  it.each([
    ['failed', 'failed' as const],
    ['being reprocessed', 'processing' as const],
  ])('a source that is now %s is not reused: full run', async (_, status) => {
    const tenantId = newTenant();
    const first = await processUpload(tenantId, pdf);
    await h.store.documents.update({ tenantId, documentId: first.documentId, status, now: new Date() });
    const second = await processUpload(tenantId, pdf);
    expect(calls.ocr).toBe(2);
    expect(second.result).not.toHaveProperty('reused_from');
  });

  it('a deleted source is not reused, and the next upload reuses the newer reading instead', async () => {
    const tenantId = newTenant();
    const first = await processUpload(tenantId, pdf);
    expect(await h.store.documents.delete({ tenantId, documentId: first.documentId })).toBe(true);
    const second = await processUpload(tenantId, pdf);
    expect(second.result).not.toHaveProperty('reused_from');
    const third = await processUpload(tenantId, pdf);
    expect(calls.ocr).toBe(2);
    expect(third.result).toMatchObject({ reused_from: { document_id: second.documentId } });
  });

  it('a source whose first reading failed leaves nothing to reuse', async () => {
    const tenantId = newTenant();
    // Bytes that sniff as a PNG but cannot be decoded: a permanent OCR failure.
    const broken = Uint8Array.from([...png.subarray(0, 64), ...new Uint8Array(64)]);
    await expect(processUpload(tenantId, broken)).rejects.toThrow();
    await expect(processUpload(tenantId, broken)).rejects.toThrow();
    expect(calls.ocr).toBe(2);
  });
});

describe('savedBy', () => {
  it('counts OCR pages only when OCR read them, and the tokens the extraction recorded', () => {
    expect(savedBy({ ocrProvider: 'pdf-text', pageCount: 4 })).toEqual({ ocrPages: 0, llmTokens: 0 });
    expect(
      savedBy({ ocrProvider: 'textract', pageCount: 3, usage: { promptTokens: 900, completionTokens: 80 } }),
    ).toEqual({ ocrPages: 3, llmTokens: 980 });
  });
});
