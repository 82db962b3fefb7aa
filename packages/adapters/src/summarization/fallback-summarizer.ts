import type { DocumentSummary, SummarizeInput, Summarizer } from '@paperlane/core';

export interface FallbackSummarizerOptions {
  /** The summarizer tried first (OpenAI). */
  primary: Summarizer;
  /** The offline one (extractive), which needs no network. */
  fallback: Summarizer;
  /** Told each time the fallback is used, with the provider error's code when it had one. */
  onFallback?: (event: { code?: string }) => void;
}

const errorCode = (error: unknown) =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/**
 * A summarizer that gives the offline summary when its provider fails (outage, timeout,
 * refusal, malformed output, bad credentials), so a document is not left without a summary and
 * its job does not fail for a provider's sake. The summary's `provider` says which one wrote
 * it. A cancelled call still throws.
 *
 * @example
 * const summarizer = createFallbackSummarizer({ primary: createLlmSummarizer(...), fallback: createExtractiveSummarizer() });
 * (await summarizer.summarize({ text })).provider // 'extractive' while OpenAI is down
 */
export function createFallbackSummarizer(options: FallbackSummarizerOptions): Summarizer {
  const { primary, fallback, onFallback } = options;
  async function summarize(input: SummarizeInput): Promise<DocumentSummary> {
    try {
      return await primary.summarize(input);
    } catch (error) {
      if (input.signal?.aborted) throw error;
      const code = errorCode(error);
      onFallback?.(code ? { code } : {});
      return fallback.summarize(input);
    }
  }
  return { name: primary.name, summarize };
}
