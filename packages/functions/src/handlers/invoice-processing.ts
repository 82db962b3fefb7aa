import type { JobHandler } from '@paperlane/core';
import { createInvoiceProcessingHandler } from '@paperlane/jobs/invoice-processing/handler';
import type { HandlerWiring } from '../container';
import { documentJobDeps } from '../documents/document-job-deps';

/** Invoice OCR and field extraction, then the summary job. */
export function invoiceProcessingModule(wiring: HandlerWiring): JobHandler<'invoice-processing'> {
  return createInvoiceProcessingHandler(documentJobDeps(wiring));
}
