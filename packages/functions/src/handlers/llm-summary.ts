import type { JobHandler } from '@paperlane/core';
import { createLlmSummaryHandler } from '@paperlane/jobs/llm-summary/handler';
import type { HandlerWiring } from '../container';
import { budgetedSummary } from '../documents/budgeted-handler';
import { documentJobDeps } from '../documents/document-job-deps';

/** A document summary: the configured LLM, or the offline extractive summarizer; within the tenant's budgets when set. */
export function llmSummaryModule(wiring: HandlerWiring): JobHandler<'llm-summary'> {
  const handler = createLlmSummaryHandler(documentJobDeps(wiring));
  const policy = wiring.config.budgets;
  return policy ? budgetedSummary(handler, { store: wiring.store, policy }) : handler;
}
