import type { JobHandler } from '@paperlane/core';
import { createInvoiceProcessingHandler } from '@paperlane/jobs/invoice-processing/handler';
import type { HandlerWiring } from '../container';
import { budgeted } from '../documents/budgeted-handler';
import { documentJobDeps } from '../documents/document-job-deps';

/** Invoice OCR and field extraction, then the summary job; within the tenant's budgets when set. */
export function invoiceProcessingModule(wiring: HandlerWiring): JobHandler<'invoice-processing'> {
  const handler = createInvoiceProcessingHandler(documentJobDeps(wiring));
  const policy = wiring.config.budgets;
  return policy ? budgeted(handler, { store: wiring.store, policy }) : handler;
}
