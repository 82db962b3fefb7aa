import { createHash } from 'node:crypto';
import {
  type BlobStore,
  blobKeys,
  type Clock,
  type DocumentContentType,
  type EnqueueOptions,
  type EnqueueResult,
  type JobQueue,
  newId,
  stableId,
  ValidationError,
} from '@paperlane/core';
import type { DocumentRecord, InvoiceRecord, Store, UploadSessionRecord } from '@paperlane/store';
import { safeFileName } from './file-name';

export interface IngestLimits {
  maxFileBytes: number;
  maxFiles: number;
}

export interface IncomingFile {
  fileName?: string;
  bytes: Uint8Array;
  /**
   * Identifies the file at its source (e.g. Message-ID + attachment hash). Given,
   * the same file ingested twice yields the same document, invoice and jobs.
   */
  sourceRef?: string;
}

export interface IngestDeps {
  store: Pick<Store, 'documents' | 'invoices' | 'sessions'>;
  blobs: BlobStore;
  queue: JobQueue;
  clock: Clock;
  /** The real type from the bytes; throws a PermanentError for anything unsupported. */
  sniff: (bytes: Uint8Array) => DocumentContentType;
  limits: IngestLimits;
}

export interface IngestInput {
  tenantId: string;
  userId?: string;
  files: IncomingFile[];
  folderId?: string;
  source: InvoiceRecord['source'];
  /** Joins an existing session (presigned uploads) instead of starting one. */
  sessionId?: string;
  /** Lane and earliest start of the OCR and thumbnail jobs (default: high, now). */
  timing?: Pick<EnqueueOptions, 'priority' | 'delayMs' | 'runAt'>;
  /**
   * Read every file from scratch even when the tenant already has a processed document
   * with the same bytes (by default its OCR text and fields are reused).
   */
  reprocess?: boolean;
  /** Emailed once when the session completes (a new session only: a presigned one has its own). */
  notifyEmail?: string;
}

export interface IngestResult {
  session: UploadSessionRecord;
  documents: DocumentRecord[];
  invoices: InvoiceRecord[];
  jobs: EnqueueResult[];
}

interface CheckedFile {
  fileName: string;
  bytes: Uint8Array;
  contentType: DocumentContentType;
  sha256: string;
  sourceRef?: string;
}

/** The jobs ingest starts for one file: OCR + extraction of its invoice, and its thumbnail. */
export function jobsForFile(ref: {
  tenantId: string;
  sessionId: string;
  documentId: string;
  invoiceId: string;
  reprocess?: boolean;
}) {
  const { tenantId, sessionId, documentId, invoiceId } = ref;
  return [
    {
      queue: 'invoice-processing' as const,
      payload: { tenantId, invoiceId, ...(ref.reprocess ? { reprocess: true as const } : {}) },
      sessionId,
      documentId,
      dedupeKey: `ocr:${invoiceId}`,
    },
    {
      queue: 'thumbnail' as const,
      payload: { tenantId, documentId },
      sessionId,
      documentId,
      dedupeKey: `thumbnail:${documentId}`,
    },
  ];
}

/**
 * How many jobs a session of `files` files starts, known before any is stored: the
 * session's `expectedJobs`. Follow-up jobs (an invoice's summary, started only when its
 * OCR succeeded) are not counted: a failed OCR never starts one.
 *
 * @example expectedJobsFor(3) // 6
 */
export function expectedJobsFor(files: number): number {
  return files * JOBS_PER_FILE;
}

/** `jobsForFile(…).length`, held equal to it by a test. */
export const JOBS_PER_FILE = 2;

/** Checks every file before anything is stored, so a bad file in a batch stores nothing. */
export function checkFiles(
  files: IncomingFile[],
  limits: IngestLimits,
  sniff: IngestDeps['sniff'],
): CheckedFile[] {
  if (files.length === 0) throw new ValidationError('no files were sent', { code: 'no_files' });
  if (files.length > limits.maxFiles) {
    throw new ValidationError(`at most ${limits.maxFiles} files per upload; got ${files.length}`, {
      code: 'too_many_files',
    });
  }
  return files.map((file, index) => {
    const fileName = safeFileName(file.fileName, `document-${index + 1}`);
    if (file.bytes.byteLength === 0)
      throw new ValidationError(`${fileName} is empty`, { code: 'empty_file' });
    if (file.bytes.byteLength > limits.maxFileBytes) {
      throw new ValidationError(`${fileName} is larger than ${limits.maxFileBytes} bytes`, {
        code: 'file_too_large',
      });
    }
    const contentType = sniff(file.bytes);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    return {
      fileName,
      bytes: file.bytes,
      contentType,
      sha256,
      ...(file.sourceRef ? { sourceRef: file.sourceRef } : {}),
    };
  });
}

/**
 * Takes files in: stores each one, records its document and invoice, starts the
 * OCR and thumbnail jobs, and groups everything in an upload session. The API's
 * upload routes and email sync both come through here.
 */
export async function ingestDocuments(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const checked = checkFiles(input.files, deps.limits, deps.sniff);
  const now = deps.clock.now();
  const { tenantId } = input;
  const sessionId = input.sessionId ?? newId('ses', now.getTime());
  const planned = checked.map((file) => ({
    file,
    documentId: file.sourceRef ? stableId('doc', tenantId, file.sourceRef) : newId('doc', now.getTime()),
    invoiceId: file.sourceRef ? stableId('inv', tenantId, file.sourceRef) : newId('inv', now.getTime()),
  }));

  // Blobs first: a document record never points at bytes that were not stored.
  await Promise.all(
    planned.map(({ file, documentId }) =>
      deps.blobs.put(blobKeys.original(tenantId, documentId), file.bytes, {
        contentType: file.contentType,
        metadata: { sha256: file.sha256 },
      }),
    ),
  );
  // Joining a presigned session: it was created with the files it was asked for.
  const session = await deps.store.sessions.create({
    tenantId,
    sessionId,
    ...(input.userId ? { createdBy: input.userId } : {}),
    expectedJobs: expectedJobsFor(checked.length),
    ...(input.notifyEmail ? { notifyEmail: input.notifyEmail } : {}),
    now,
  });
  const documents: DocumentRecord[] = [];
  const invoices: InvoiceRecord[] = [];
  for (const { file, documentId, invoiceId } of planned) {
    const { document } = await deps.store.documents.create({
      tenantId,
      documentId,
      sessionId,
      ...(input.folderId ? { folderId: input.folderId } : {}),
      fileName: file.fileName,
      contentType: file.contentType,
      sizeBytes: file.bytes.byteLength,
      sha256: file.sha256,
      blobKey: blobKeys.original(tenantId, documentId),
      now,
    });
    documents.push(document);
    const { invoice } = await deps.store.invoices.create({
      tenantId,
      invoiceId,
      documentId,
      source: input.source,
      ...(file.sourceRef ? { sourceRef: file.sourceRef } : {}),
      now,
    });
    invoices.push(invoice);
  }
  const jobs = await deps.queue.enqueueMany(
    planned.flatMap(({ documentId, invoiceId }) =>
      jobsForFile({ tenantId, sessionId, documentId, invoiceId, reprocess: input.reprocess }).map((job) => ({
        ...job,
        ...input.timing,
      })),
    ),
  );
  const updated = await deps.store.sessions.append({
    tenantId,
    sessionId,
    documentIds: documents.map((d) => d.documentId),
    jobIds: jobs.map((j) => j.job.jobId),
    now,
  });
  return { session: updated ?? session.session, documents, invoices, jobs };
}
