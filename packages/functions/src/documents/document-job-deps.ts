import { systemClock } from '@paperlane/core';
import { DEFAULT_DOCUMENT_JOB_LIMITS, type DocumentJobDeps } from '@paperlane/jobs/document-jobs';
import type { HandlerWiring } from '../container';
import { createDocumentServices } from './document-services';

const built = new WeakMap<HandlerWiring, DocumentJobDeps>();

/**
 * The document jobs' ports from the wiring, built once per wiring: in a process
 * that runs all three document consumers they share one OCR provider (one
 * tesseract worker) and release it when the process closes.
 */
export function documentJobDeps(wiring: HandlerWiring): DocumentJobDeps {
  const existing = built.get(wiring);
  if (existing) return existing;
  const services = createDocumentServices(wiring.config);
  wiring.onClose(services.close);
  const deps: DocumentJobDeps = {
    store: wiring.store,
    blobs: wiring.blobs,
    ocr: services.ocr,
    extractor: services.extractor,
    summarizer: services.summarizer,
    queue: wiring.dispatcher,
    events: wiring.domainEvents,
    sniff: services.sniff,
    renderThumbnails: services.renderThumbnails,
    limits: { ...DEFAULT_DOCUMENT_JOB_LIMITS, maxFileBytes: services.settings.fileLimits.maxBytes },
    clock: systemClock,
  };
  built.set(wiring, deps);
  return deps;
}
