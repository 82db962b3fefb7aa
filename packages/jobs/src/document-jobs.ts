import type {
  BlobStore,
  Clock,
  DomainEventSink,
  Extractor,
  JobHandlers,
  JobQueue,
  OcrProvider,
  Summarizer,
} from '@paperlane/core';
import type { Store } from '@paperlane/store';
import { createInvoiceProcessingHandler } from './invoice-processing/handler';
import type { SniffContentType } from './invoice-processing/read-invoice';
import { createLlmSummaryHandler } from './llm-summary/handler';
import { createThumbnailHandler, type RenderThumbnails } from './thumbnail/handler';

export interface DocumentJobLimits {
  /** Largest original a job reads from the blob store; the read stops there (`file_too_large`). */
  maxFileBytes: number;
  /** Largest OCR text blob the summary job reads back. */
  maxTextBytes: number;
}

/**
 * What the document jobs run on: ports only. Page, pixel and size caps of the file
 * parsers live in the adapters behind `ocr` and `renderThumbnails`; the wiring
 * configures them from the same file limits.
 */
export interface DocumentJobDeps {
  /** `table`: the invoice job's result-reuse pointers live beside the records. */
  store: Pick<Store, 'documents' | 'invoices' | 'table'>;
  blobs: BlobStore;
  ocr: OcrProvider;
  extractor: Extractor;
  summarizer: Summarizer;
  queue: JobQueue;
  events: DomainEventSink;
  /** The real type from the bytes (`sniffContentType`); the stored type is never trusted. */
  sniff: SniffContentType;
  /** Thumbnail renderer with its widths/quality/limits bound (`renderThumbnails`). */
  renderThumbnails: RenderThumbnails;
  limits: DocumentJobLimits;
  clock: Clock;
}

export const DEFAULT_DOCUMENT_JOB_LIMITS: DocumentJobLimits = {
  maxFileBytes: 25 * 1024 * 1024,
  maxTextBytes: 4 * 1024 * 1024,
};

/**
 * The three document job modules over one set of ports.
 *
 * @example
 * const limits = parseFileLimits({});
 * const thumbnailConfig = parseThumbnailConfig({});
 * const handlers = createDocumentJobHandlers({
 *   store, blobs, queue: dispatcher, events: domainEvents, clock: systemClock,
 *   ocr: await createOcrProvider({ provider: 'tesseract', limits }),
 *   extractor: createExtractor(process.env), summarizer: createSummarizer(process.env),
 *   sniff: sniffContentType,
 *   renderThumbnails: ({ bytes, contentType }) => renderThumbnails(bytes, contentType, limits, thumbnailConfig),
 *   limits: { maxFileBytes: limits.maxBytes, maxTextBytes: 4 * 1024 * 1024 },
 * });
 */
export function createDocumentJobHandlers(
  deps: DocumentJobDeps,
): Required<Pick<JobHandlers, 'invoice-processing' | 'thumbnail' | 'llm-summary'>> {
  return {
    'invoice-processing': createInvoiceProcessingHandler(deps),
    thumbnail: createThumbnailHandler(deps),
    'llm-summary': createLlmSummaryHandler(deps),
  };
}
