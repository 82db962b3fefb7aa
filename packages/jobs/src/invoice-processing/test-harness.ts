// Test support for the document job suites: real dynalite, a real folder blob store,
// the real dispatcher (recording what it sends), real OCR/extraction/summaries/thumbnails.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFolderBlobStore } from '@paperlane/adapters/blob';
import { createRulesExtractor } from '@paperlane/adapters/extraction';
import { type FileLimits, parseFileLimits, sniffContentType } from '@paperlane/adapters/files';
import { renderThumbnails } from '@paperlane/adapters/images';
import { createOcrProvider } from '@paperlane/adapters/ocr';
import { createExtractiveSummarizer } from '@paperlane/adapters/summarization';
import {
  type BlobStore,
  blobKeys,
  type Clock,
  childSpan,
  DEFAULT_TOPOLOGY,
  type DomainEvent,
  type DomainEventSink,
  type JobContext,
  type JobRecord,
  newId,
  parseTraceparent,
  type QueueName,
  silentLogger,
} from '@paperlane/core';
import { createDispatcher, type Dispatcher, type Transport } from '@paperlane/runtime';
import type { Store } from '@paperlane/store';
import { startTestDynamo, type TestDynamo } from '@paperlane/store/test-store';
import { invoiceFixture } from '@paperlane/testing';
import type { DocumentJobDeps } from '../document-jobs';
import { ingestDocuments } from '../ingest/index';

export interface DocumentHarness {
  store: Store;
  blobs: BlobStore;
  dispatcher: Dispatcher;
  fileLimits: FileLimits;
  /** Messages the dispatcher sent, in order. */
  sent: { queue: string; jobId: string }[];
  /** Domain events published, in order. */
  events: DomainEvent[];
  deps(overrides?: Partial<DocumentJobDeps>): DocumentJobDeps;
  /**
   * Ingests `bytes` (default: the fixture `fileName`) through the real upload path, so records
   * and blobs look like production's (it also queues the document's jobs).
   */
  ingest(
    fileName: string,
    bytes?: Uint8Array,
    options?: { tenantId?: string },
  ): Promise<{ tenantId: string; documentId: string; invoiceId: string }>;
  /** Stores `bytes` as a document + invoice without any check, as a hostile writer could. */
  seed(
    bytes: Uint8Array,
    fileName?: string,
  ): Promise<{ tenantId: string; documentId: string; invoiceId: string }>;
  context<Q extends QueueName>(
    queue: Q,
    payload: JobContext<Q>['payload'],
    options?: { signal?: AbortSignal; attempt?: number },
  ): Promise<JobContext<Q> & { progressValues: number[] }>;
  stop(): Promise<void>;
}

export async function startDocumentHarness(
  limits: Parameters<typeof parseFileLimits>[0] = {},
): Promise<DocumentHarness> {
  const dynamo: TestDynamo = await startTestDynamo();
  const store = await dynamo.freshStore('document-jobs');
  const root = await mkdtemp(join(tmpdir(), 'paperlane-document-jobs-'));
  const blobs = createFolderBlobStore({ root });
  const fileLimits = parseFileLimits(limits);
  const clock: Clock = { now: () => new Date() };
  const sent: DocumentHarness['sent'] = [];
  const events: DomainEvent[] = [];
  const transport: Transport = {
    name: 'recording',
    send: async (messages) => {
      for (const m of messages) sent.push({ queue: m.envelope.queue, jobId: m.envelope.jobId });
      return [];
    },
    close: async () => {},
  };
  const dispatcher = createDispatcher({
    store: store.jobs,
    transport,
    topology: DEFAULT_TOPOLOGY,
    clock,
    logger: silentLogger,
    sweepGraceMs: 60_000,
  });
  const sink: DomainEventSink = {
    publish: async (event) => {
      events.push(event);
    },
  };
  const ocr = await createOcrProvider({ provider: 'tesseract', limits: fileLimits });
  const extractor = createRulesExtractor();
  const summarizer = createExtractiveSummarizer();
  let tenantCount = 0;

  return {
    store,
    blobs,
    dispatcher,
    fileLimits,
    sent,
    events,
    deps: (overrides = {}) => ({
      store,
      blobs,
      ocr,
      extractor,
      summarizer,
      queue: dispatcher,
      events: sink,
      sniff: sniffContentType,
      renderThumbnails: ({ bytes, contentType }) => renderThumbnails(bytes, contentType, fileLimits),
      limits: { maxFileBytes: fileLimits.maxBytes, maxTextBytes: 1024 * 1024 },
      clock,
      ...overrides,
    }),
    async ingest(fileName, bytes, options = {}) {
      const tenantId = options.tenantId ?? `t-${fileName.replace(/\W/g, '')}-${++tenantCount}`;
      const result = await ingestDocuments(
        {
          store,
          blobs,
          queue: dispatcher,
          clock,
          sniff: sniffContentType,
          limits: { maxFileBytes: fileLimits.maxBytes, maxFiles: 5 },
        },
        {
          tenantId,
          files: [{ fileName, bytes: bytes ?? (await invoiceFixture(fileName)) }],
          source: 'upload',
        },
      );
      const invoice = result.invoices[0];
      if (!invoice) throw new Error('ingest created no invoice');
      return { tenantId, invoiceId: invoice.invoiceId, documentId: invoice.documentId };
    },
    async seed(bytes, fileName = 'invoice.pdf') {
      const tenantId = `tenant${++tenantCount}`;
      const documentId = newId('doc');
      const invoiceId = newId('inv');
      const now = new Date();
      await blobs.put(blobKeys.original(tenantId, documentId), bytes, { contentType: 'application/pdf' });
      await store.documents.create({
        tenantId,
        documentId,
        fileName,
        contentType: 'application/pdf',
        sizeBytes: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        blobKey: blobKeys.original(tenantId, documentId),
        now,
      });
      await store.invoices.create({ tenantId, invoiceId, documentId, source: 'upload', now });
      return { tenantId, documentId, invoiceId };
    },
    async context(queue, payload, options = {}) {
      const { job } = await dispatcher.enqueue(queue, payload);
      const progressValues: number[] = [];
      return {
        job: job as JobRecord,
        payload,
        attempt: options.attempt ?? 1,
        signal: options.signal ?? new AbortController().signal,
        progress: async (percent: number) => {
          progressValues.push(percent);
          return true;
        },
        logger: silentLogger,
        // The attempt's span, as the processor makes it: a child of the job's own.
        span: childSpan(parseTraceparent(job.traceId)),
        progressValues,
      };
    },
    async stop() {
      await dispatcher.close();
      await ocr.close();
      await dynamo.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
