import {
  type BlobStore,
  blobKeys,
  type Clock,
  type DomainEventSink,
  documentProcessedPayload,
  type EnqueueResult,
  type Extractor,
  errorCode,
  INVOICE_FIELD_NAMES,
  invoiceProcessedPayload,
  isPermanent,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type JobResult,
  NotFoundError,
  type OcrProvider,
  PaperlaneError,
  stableId,
  type TraceContext,
} from '@paperlane/core';
import {
  createResultSourceStore,
  type DocumentRecord,
  type InvoiceRecord,
  type ResultSourceStore,
  type Store,
} from '@paperlane/store';
import { jobProgress } from './job-progress';
import { loadDocument, loadOriginal } from './load-original';
import { readInvoice, type SniffContentType, throwIfAborted } from './read-invoice';
import { findReusableResult, type ReusableResult, type SavedWork } from './reuse-result';

export interface InvoiceProcessingDeps {
  /** `table`: where the result-reuse pointers (tenant + sha256 → document) are kept. */
  store: Pick<Store, 'documents' | 'invoices' | 'table'>;
  blobs: BlobStore;
  ocr: OcrProvider;
  extractor: Extractor;
  queue: JobQueue;
  events: DomainEventSink;
  sniff: SniffContentType;
  limits: { maxFileBytes: number };
  clock: Clock;
}

const encoder = new TextEncoder();

/** A reason a tenant can act on; unexpected errors are not echoed (they may carry provider internals). */
function reasonOf(error: unknown): string {
  const message = error instanceof PaperlaneError ? error.message : 'processing failed unexpectedly';
  return `${message} (${errorCode(error)})`.slice(0, 4000);
}

/**
 * Everything after the invoice is stored as processed. Each step is idempotent
 * (same status write, dedupe-keyed enqueue, event ids derived from the processed
 * instant), so a re-run after a crash anywhere in here completes what was missing
 * and duplicates nothing. The summary job and the events' deliveries continue `span`'s trace.
 */
async function finish(
  deps: InvoiceProcessingDeps,
  sources: ResultSourceStore,
  invoice: InvoiceRecord,
  document: DocumentRecord,
  span: TraceContext,
): Promise<EnqueueResult> {
  const { tenantId, documentId, invoiceId } = invoice;
  const processedAt = invoice.processedAt ?? invoice.updatedAt;
  if (document.status !== 'processed') {
    await deps.store.documents.update({
      tenantId,
      documentId,
      status: 'processed',
      error: null,
      ...(invoice.pageCount !== undefined ? { pageCount: invoice.pageCount } : {}),
      now: deps.clock.now(),
    });
  }
  // After the document is processed: a later upload of these bytes checks that status.
  await sources.record({ tenantId, sha256: document.sha256, documentId, invoiceId, now: deps.clock.now() });
  const summary = await deps.queue.enqueue(
    'llm-summary',
    { tenantId, documentId },
    {
      priority: 'low',
      dedupeKey: `summary:${documentId}`,
      documentId,
      parent: span,
      ...(document.sessionId ? { sessionId: document.sessionId } : {}),
    },
  );
  await deps.events.publish(
    {
      tenantId,
      type: 'invoice.processed',
      id: stableId('evt', 'invoice.processed', tenantId, invoiceId, processedAt),
      payload: invoiceProcessedPayload({
        invoiceId,
        documentId,
        fields: invoice.fields,
        ocrProvider: invoice.ocrProvider,
        extractor: invoice.extractor,
        pageCount: invoice.pageCount,
        processedAt,
      }),
    },
    { parent: span },
  );
  await deps.events.publish(
    {
      tenantId,
      type: 'document.processed',
      id: stableId('evt', 'document.processed', tenantId, documentId, processedAt),
      payload: documentProcessedPayload({
        documentId,
        fileName: document.fileName,
        contentType: document.contentType,
        pageCount: invoice.pageCount,
        invoiceIds: [invoiceId],
        processedAt,
      }),
    },
    { parent: span },
  );
  return summary;
}

/**
 * Records a failure where the tenant sees it: permanent failures (and the last
 * attempt of retryable ones) mark the invoice `error` and the document `failed` with
 * the reason; earlier retryable failures keep `processing` with a "will retry" note.
 * Never masks the job's own error.
 */
async function recordFailure(
  deps: InvoiceProcessingDeps,
  ctx: JobContext<'invoice-processing'>,
  invoice: InvoiceRecord,
  error: unknown,
): Promise<void> {
  const final = isPermanent(error) || ctx.attempt >= ctx.job.maxAttempts;
  const reason = reasonOf(error);
  const now = deps.clock.now();
  const { tenantId, invoiceId, documentId } = invoice;
  try {
    if (final) {
      await deps.store.invoices.update({ tenantId, invoiceId, status: 'error', error: reason, now });
      await deps.store.documents.update({ tenantId, documentId, status: 'failed', error: reason, now });
    } else {
      await deps.store.invoices.update({ tenantId, invoiceId, error: `${reason}; will retry`, now });
    }
  } catch (writeError) {
    ctx.logger.warn('could not record the invoice failure', { invoiceId, error: String(writeError) });
  }
}

/** How the job shows a reuse: the source document and what it did not have to spend. */
function reuseResult(reusedFrom: InvoiceRecord['reusedFrom'], saved: SavedWork | undefined) {
  if (!reusedFrom) return {};
  return {
    reused_from: { document_id: reusedFrom.documentId },
    ...(saved ? { saved: { ocr_pages: saved.ocrPages, llm_tokens: saved.llmTokens } } : {}),
  };
}

/** What the job stores on the invoice, however it was read. */
interface Reading {
  text: Uint8Array;
  fields: NonNullable<InvoiceRecord['fields']>;
  ocrProvider?: string;
  extractor?: string;
  pageCount?: number;
  usage?: InvoiceRecord['usage'];
}

/** The invoice as read from scratch: original (size-capped), sniff, text layer or OCR, extraction. */
async function readFresh(
  deps: InvoiceProcessingDeps,
  ctx: JobContext<'invoice-processing'>,
  document: DocumentRecord,
  progress: ReturnType<typeof jobProgress>,
): Promise<Reading> {
  const bytes = await loadOriginal(deps.blobs, document, deps.limits.maxFileBytes, ctx.signal);
  progress.report(5);
  const reading = await readInvoice({
    bytes,
    sniff: deps.sniff,
    ocr: deps.ocr,
    extractor: deps.extractor,
    blobKey: document.blobKey,
    signal: ctx.signal,
    onProgress: (fraction) => progress.report(5 + fraction * 85),
  });
  return {
    text: encoder.encode(reading.ocr.text),
    fields: reading.fields,
    ocrProvider: reading.ocr.provider,
    extractor: reading.fields.provider,
    pageCount: reading.ocr.pages.length,
    ...(reading.usage ? { usage: reading.usage } : {}),
  };
}

/** The same reading taken from the earlier document (fields, provider names, page count, text). */
function readReused(reusable: ReusableResult): Reading {
  const { source } = reusable;
  return {
    text: reusable.text,
    fields: source.fields,
    ...(source.ocrProvider ? { ocrProvider: source.ocrProvider } : {}),
    ...(source.extractor ? { extractor: source.extractor } : {}),
    ...(source.pageCount !== undefined ? { pageCount: source.pageCount } : {}),
  };
}

/**
 * The `invoice-processing` job: loads the invoice and its document's file (size-capped),
 * reads it ({@link readInvoice}: sniff, text layer or OCR, extraction), stores the OCR
 * text blob and the fields on the invoice (`pending → processing → processed | error`),
 * marks the document processed, queues its `llm-summary` (low priority, deduped), and
 * publishes `invoice.processed` and `document.processed`.
 *
 * Result reuse: before reading, the job looks for an earlier document of the same
 * tenant with the same bytes (sha256) that was processed successfully
 * ({@link findReusableResult}); when there is one, its OCR text and fields are copied
 * instead of OCR and extraction, the invoice records `reusedFrom`, and the job's
 * result shows `reused_from` and what was `saved` (OCR pages, LLM tokens). A payload
 * with `reprocess` (the reprocess route, or an upload sent with `reprocess: true`)
 * always reads from scratch. The decision lives here, in the job, so SQS/Lambda and
 * BullMQ behave the same.
 *
 * Hostile or unreadable files fail permanently with the adapters' codes (`empty_file`,
 * `unsupported_file_type`, `corrupt_file`, `encrypted_pdf`, `too_many_pages`,
 * `pixel_limit_exceeded`, `file_too_large`, `no_text`). A re-run of a processed invoice
 * does no OCR again (unless its payload says `reprocess`); it only completes the follow-ups a crash may
 * have cut off.
 *
 * @example handlers['invoice-processing'] = createInvoiceProcessingHandler({ store, blobs, ocr, extractor, queue, events, sniff: sniffContentType, limits: { maxFileBytes }, clock });
 */
export function createInvoiceProcessingHandler(
  deps: InvoiceProcessingDeps,
): JobHandler<'invoice-processing'> {
  const sources = createResultSourceStore(deps.store.table);
  return async (ctx): Promise<JobResult> => {
    const { tenantId, invoiceId } = ctx.payload;
    const found = await deps.store.invoices.get({ tenantId, invoiceId });
    if (!found) throw new NotFoundError(`invoice ${invoiceId} not found`, { code: 'not_found' });
    const document = await loadDocument(deps.store, tenantId, found.documentId);
    const { documentId } = document;

    // A reprocess request asks for the work again; any other re-run only completes the follow-ups.
    if (found.status === 'processed' && found.fields && !ctx.payload.reprocess) {
      const summary = await finish(deps, sources, found, document, ctx.span);
      return {
        invoice_id: invoiceId,
        document_id: documentId,
        status: 'processed',
        already_processed: true,
        ...reuseResult(found.reusedFrom, undefined),
        summary_job_id: summary.job.jobId,
      };
    }

    const progress = jobProgress(ctx.progress, ctx.logger);
    let invoice = found;
    let saved: SavedWork | undefined;
    try {
      const now = deps.clock.now();
      invoice =
        (await deps.store.invoices.update({ tenantId, invoiceId, status: 'processing', error: null, now })) ??
        found;
      await deps.store.documents.update({ tenantId, documentId, status: 'processing', error: null, now });

      const reusable = ctx.payload.reprocess
        ? undefined
        : await findReusableResult({ store: deps.store, sources, blobs: deps.blobs }, document, deps.limits);
      const reading: Reading = reusable
        ? readReused(reusable)
        : await readFresh(deps, ctx, document, progress);
      saved = reusable?.saved;
      throwIfAborted(ctx.signal, 'storing the result');

      const textKey = blobKeys.ocrText(tenantId, documentId);
      await deps.blobs.put(textKey, reading.text, { contentType: 'text/plain; charset=utf-8' });
      const processedAt = deps.clock.now();
      const processed = await deps.store.invoices.update({
        tenantId,
        invoiceId,
        status: 'processed',
        fields: reading.fields,
        ocrProvider: reading.ocrProvider ?? null,
        extractor: reading.extractor ?? null,
        pageCount: reading.pageCount ?? null,
        textKey,
        // What this reading spent (a reuse spent none): what a later reuse of it saves.
        usage: reading.usage ?? null,
        // A reprocess reads afresh: the invoice no longer stands on another document's reading.
        reusedFrom: reusable
          ? { documentId: reusable.source.documentId, invoiceId: reusable.source.invoiceId }
          : null,
        error: null,
        processedAt: processedAt.toISOString(),
        now: processedAt,
      });
      if (!processed) throw new NotFoundError(`invoice ${invoiceId} was deleted`, { code: 'not_found' });
      invoice = processed;
    } catch (error) {
      await progress.flush();
      await recordFailure(deps, ctx, invoice, error);
      throw error;
    }
    const summary = await finish(deps, sources, invoice, document, ctx.span);
    progress.report(100);
    await progress.flush();
    const fields = invoice.fields;
    return {
      invoice_id: invoiceId,
      document_id: documentId,
      status: 'processed',
      ocr_provider: invoice.ocrProvider,
      extractor: invoice.extractor,
      page_count: invoice.pageCount,
      fields_found: fields ? INVOICE_FIELD_NAMES.filter((name) => fields[name] !== undefined).length : 0,
      ...reuseResult(invoice.reusedFrom, saved),
      summary_job_id: summary.job.jobId,
    };
  };
}
