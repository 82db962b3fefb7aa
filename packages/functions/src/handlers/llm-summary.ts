import type { JobHandler } from '@paperlane/core';
import type { HandlerWiring } from '../container';
import { placeholderHandler } from '../placeholder-handlers';

/** The llm-summary job module, built from the wiring. PLACEHOLDER until its job lands. */
export function llmSummaryModule(_wiring: HandlerWiring): JobHandler<'llm-summary'> {
  return placeholderHandler;
}
