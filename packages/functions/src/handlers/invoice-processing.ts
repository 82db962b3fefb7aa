import type { JobHandler } from '@paperlane/core';
import type { HandlerWiring } from '../container';
import { placeholderHandler } from '../placeholder-handlers';

/** The invoice-processing job module, built from the wiring. PLACEHOLDER until its job lands. */
export function invoiceProcessingModule(_wiring: HandlerWiring): JobHandler<'invoice-processing'> {
  return placeholderHandler;
}
