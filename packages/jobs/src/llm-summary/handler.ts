import {
  type BlobStore,
  blobKeys,
  type Clock,
  documentSummarySchema,
  type JobHandler,
  type JobResult,
  NotFoundError,
  type OcrProvider,
  PermanentError,
  type Summarizer,
} from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { jobProgress } from '../invoice-processing/job-progress';
import { loadDocument, loadOriginal } from '../invoice-processing/load-original';
import { recognizeDocument, type SniffContentType, throwIfAborted } from '../invoice-processing/read-invoice';

export interface LlmSummaryDeps {
  store: Pick<Store, 'documents'>;
  blobs: BlobStore;
  /** Only used when the OCR text blob is missing (summary asked for before or without OCR). */
  ocr: OcrProvider;
  summarizer: Summarizer;
  sniff: SniffContentType;
  limits: { maxFileBytes: number; maxTextBytes: number };
  clock: Clock;
}

const encoder = new TextEncoder();
// Replacement characters rather than a throw: OCR text from a provider may carry stray bytes.
const decoder = new TextDecoder('utf-8');

/**
 * The `llm-summary` job: summarizes the document's OCR text (read back from
 * `blobKeys.ocrText`, size-capped; when it is missing the document is OCR'd with the
 * same code the invoice job uses and the text stored) and records the summary on the
 * document. A document that already has a summary is left alone, so re-runs cost no
 * model calls. The result names the tokens used (`token_count`) and, when this job had
 * to OCR the document itself, `ocr_provider` and `ocr_pages`: what tenant budgets charge.
 *
 * @example handlers['llm-summary'] = createLlmSummaryHandler({ store, blobs, ocr, summarizer, sniff: sniffContentType, limits, clock });
 */
export function createLlmSummaryHandler(deps: LlmSummaryDeps): JobHandler<'llm-summary'> {
  return async (ctx): Promise<JobResult> => {
    const { tenantId, documentId } = ctx.payload;
    const document = await loadDocument(deps.store, tenantId, documentId);
    if (document.summary) {
      return { document_id: documentId, already_done: true, provider: document.summary.provider };
    }
    const progress = jobProgress(ctx.progress, ctx.logger);
    const textKey = blobKeys.ocrText(tenantId, documentId);
    const stored = await deps.blobs.get(textKey, { maxBytes: deps.limits.maxTextBytes, signal: ctx.signal });
    let text: string;
    // Set when this job had to OCR the document itself: the pages read are its cost too.
    let ocrRead: { ocr_provider: string; ocr_pages: number } | undefined;
    if (stored) {
      text = decoder.decode(stored);
    } else {
      const bytes = await loadOriginal(deps.blobs, document, deps.limits.maxFileBytes, ctx.signal);
      const { ocr } = await recognizeDocument({
        bytes,
        sniff: deps.sniff,
        ocr: deps.ocr,
        blobKey: document.blobKey,
        signal: ctx.signal,
        onProgress: (fraction) => progress.report(fraction * 60),
      });
      text = ocr.text;
      ocrRead = { ocr_provider: ocr.provider, ocr_pages: ocr.pages.length };
      await deps.blobs.put(textKey, encoder.encode(text), { contentType: 'text/plain; charset=utf-8' });
    }
    if (text.trim().length === 0) {
      throw new PermanentError('the document contains no readable text', { code: 'no_text' });
    }
    progress.report(65);
    throwIfAborted(ctx.signal, 'summarizing');
    const raw = await deps.summarizer.summarize({ text, title: document.fileName, signal: ctx.signal });
    const parsed = documentSummarySchema.safeParse(raw);
    if (!parsed.success) {
      throw new PermanentError('the summarizer returned an invalid summary', { code: 'invalid_summary' });
    }
    throwIfAborted(ctx.signal, 'storing the summary');
    const updated = await deps.store.documents.update({
      tenantId,
      documentId,
      summary: parsed.data,
      now: deps.clock.now(),
    });
    if (!updated) {
      throw new NotFoundError(`document ${documentId} was deleted`, { code: 'document_not_found' });
    }
    progress.report(100);
    await progress.flush();
    return {
      document_id: documentId,
      provider: parsed.data.provider,
      language: parsed.data.enhanced_metadata.language,
      token_count: parsed.data.token_count,
      ...ocrRead,
    };
  };
}
