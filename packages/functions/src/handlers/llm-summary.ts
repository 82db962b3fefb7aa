import type { JobHandler } from '@paperlane/core';
import { createLlmSummaryHandler } from '@paperlane/jobs/llm-summary/handler';
import type { HandlerWiring } from '../container';
import { documentJobDeps } from '../documents/document-job-deps';

/** A document summary: the configured LLM, or the offline extractive summarizer. */
export function llmSummaryModule(wiring: HandlerWiring): JobHandler<'llm-summary'> {
  return createLlmSummaryHandler(documentJobDeps(wiring));
}
