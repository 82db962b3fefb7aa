import { z } from '@hono/zod-openapi';
import { documentSummarySchema, JOB_STATUSES, type JobRecord, QUEUE_NAMES } from '@paperlane/core';
import type {
  DocumentRecord,
  DocumentThumbnails,
  InvoiceRecord,
  UploadSessionRecord,
} from '@paperlane/store';

/** API shapes are snake_case; records are camelCase. These are the only translations. */
export const jobSchema = z
  .object({
    job_id: z.string(),
    queue: z.enum(QUEUE_NAMES),
    status: z.enum(JOB_STATUSES),
    progress: z.number().int(),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    priority: z.enum(['high', 'low']),
    target_type: z.string(),
    target_id: z.string(),
    document_id: z.string().optional(),
    session_id: z.string().optional(),
    error: z.string().optional(),
    error_code: z.string().optional(),
    result: z.record(z.string(), z.unknown()).optional(),
    created_at: z.string(),
    updated_at: z.string(),
    available_at: z.string(),
    /** When the job may start: the requested `run_at` or delay, moved by a retry's backoff (= available_at). */
    run_at: z.string(),
    started_at: z.string().optional(),
    finished_at: z.string().optional(),
  })
  .openapi('Job');
export type JobView = z.infer<typeof jobSchema>;

export function presentJob(job: JobRecord): JobView {
  return {
    job_id: job.jobId,
    queue: job.queue,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    priority: job.priority,
    target_type: job.targetType,
    target_id: job.targetId,
    ...(job.documentId ? { document_id: job.documentId } : {}),
    ...(job.sessionId ? { session_id: job.sessionId } : {}),
    ...(job.lastError ? { error: job.lastError } : {}),
    ...(job.errorCode ? { error_code: job.errorCode } : {}),
    ...(job.result ? { result: job.result } : {}),
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    available_at: job.availableAt,
    run_at: job.availableAt,
    ...(job.startedAt ? { started_at: job.startedAt } : {}),
    ...(job.finishedAt ? { finished_at: job.finishedAt } : {}),
  };
}

const sizeSchema = z.object({ width: z.number().int(), height: z.number().int() });

/** What the thumbnail job rendered; `url` is the bytes' route (blob keys stay internal). */
export const thumbnailsSchema = z
  .object({
    blurhash: z.string(),
    original: sizeSchema.openapi({
      description: 'Images: pixels as displayed. PDFs: the first page in points.',
    }),
    items: z.array(
      sizeSchema.extend({
        requested_width: z.number().int(),
        url: z.string().openapi({ example: '/api/documents/doc_01JD3Y8K6V/thumbnails/300' }),
      }),
    ),
  })
  .openapi('DocumentThumbnails');

function thumbnailUrl(documentId: string, requestedWidth: number): string {
  return `/api/documents/${encodeURIComponent(documentId)}/thumbnails/${requestedWidth}`;
}

export function presentThumbnails(documentId: string, thumbnails: DocumentThumbnails) {
  return {
    blurhash: thumbnails.blurhash,
    original: { width: thumbnails.original.width, height: thumbnails.original.height },
    items: thumbnails.items.map((item) => ({
      requested_width: item.requestedWidth,
      width: item.width,
      height: item.height,
      url: thumbnailUrl(documentId, item.requestedWidth),
    })),
  };
}

export const documentSchema = z
  .object({
    document_id: z.string(),
    file_name: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    sha256: z.string(),
    status: z.string(),
    session_id: z.string().optional(),
    folder_id: z.string().optional(),
    page_count: z.number().int().optional(),
    error: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    thumbnails: thumbnailsSchema.optional(),
    /** Already snake_case in the record (Plan 04's shape). */
    summary: documentSummarySchema.optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Document');
export type DocumentView = z.infer<typeof documentSchema>;

export function presentDocument(doc: DocumentRecord): DocumentView {
  return {
    document_id: doc.documentId,
    file_name: doc.fileName,
    content_type: doc.contentType,
    size_bytes: doc.sizeBytes,
    sha256: doc.sha256,
    status: doc.status,
    ...(doc.sessionId ? { session_id: doc.sessionId } : {}),
    ...(doc.folderId ? { folder_id: doc.folderId } : {}),
    ...(doc.pageCount !== undefined ? { page_count: doc.pageCount } : {}),
    ...(doc.error ? { error: doc.error } : {}),
    ...(doc.metadata ? { metadata: doc.metadata } : {}),
    ...(doc.thumbnails ? { thumbnails: presentThumbnails(doc.documentId, doc.thumbnails) } : {}),
    ...(doc.summary ? { summary: doc.summary } : {}),
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
  };
}

export const invoiceSchema = z
  .object({
    invoice_id: z.string(),
    document_id: z.string(),
    status: z.string(),
    source: z.string(),
    fields: z.record(z.string(), z.unknown()).optional(),
    ocr_provider: z.string().optional(),
    extractor: z.string().optional(),
    /** The earlier document with the same bytes whose OCR text and fields were reused. */
    reused_from: z.object({ document_id: z.string(), invoice_id: z.string() }).optional(),
    error: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string(),
    processed_at: z.string().optional(),
  })
  .openapi('Invoice');

export function presentInvoice(invoice: InvoiceRecord): z.infer<typeof invoiceSchema> {
  return {
    invoice_id: invoice.invoiceId,
    document_id: invoice.documentId,
    status: invoice.status,
    source: invoice.source,
    ...(invoice.fields ? { fields: invoice.fields } : {}),
    ...(invoice.ocrProvider ? { ocr_provider: invoice.ocrProvider } : {}),
    ...(invoice.extractor ? { extractor: invoice.extractor } : {}),
    ...(invoice.reusedFrom
      ? {
          reused_from: {
            document_id: invoice.reusedFrom.documentId,
            invoice_id: invoice.reusedFrom.invoiceId,
          },
        }
      : {}),
    ...(invoice.error ? { error: invoice.error } : {}),
    created_at: invoice.createdAt,
    updated_at: invoice.updatedAt,
    ...(invoice.processedAt ? { processed_at: invoice.processedAt } : {}),
  };
}

export const sessionSchema = z
  .object({
    session_id: z.string(),
    status: z.string(),
    /** The jobs ingest starts for the session's files, known at creation (summaries come on top). */
    expected_jobs: z.number().int(),
    total_jobs: z.number().int(),
    pending: z.number().int(),
    processing: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
    document_ids: z.array(z.string()),
    jobs: z.array(jobSchema),
    created_at: z.string(),
  })
  .openapi('UploadSession');

export function presentSession(
  session: UploadSessionRecord,
  jobs: JobRecord[],
): z.infer<typeof sessionSchema> {
  const count = (status: JobRecord['status']) => jobs.filter((j) => j.status === status).length;
  return {
    session_id: session.sessionId,
    status:
      jobs.length > 0 && jobs.every((j) => ['complete', 'failed', 'cancelled'].includes(j.status))
        ? 'complete'
        : 'open',
    expected_jobs: session.expectedJobs ?? session.jobIds.length,
    total_jobs: jobs.length,
    pending: count('pending'),
    processing: count('processing'),
    completed: count('complete'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    document_ids: session.documentIds,
    jobs: jobs.map(presentJob),
    created_at: session.createdAt,
  };
}
