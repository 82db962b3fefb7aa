import type { Summarizer } from '@paperlane/core';
import type OpenAI from 'openai';
import { z } from 'zod';
import {
  blankAsUnset,
  chooseProvider,
  type EnvLike,
  lazyOpenAiService,
  lowerCase,
  openAiEnvShape,
  parseEnvConfig,
} from '../extraction/openai/openai-config';
import type { LlmUsage } from '../extraction/openai/structured-completion';
import { createExtractiveSummarizer, type ExtractiveSummarizerOptions } from './extractive-summarizer';
import { createFallbackSummarizer } from './fallback-summarizer';

export const SUMMARIZERS = ['openai', 'extractive'] as const;
export type SummarizerName = (typeof SUMMARIZERS)[number];

/** Summarizer configuration, read from environment-style keys. */
export const summarizerConfigSchema = z.object({
  /** Unset: `openai` when OPENAI_API_KEY is set, otherwise `extractive` (works offline). */
  SUMMARIZER: blankAsUnset(z.preprocess(lowerCase, z.enum(SUMMARIZERS)).optional()),
  /** The model's context budget in (approximate) tokens; longer documents are chunked. */
  SUMMARIZER_CONTEXT_TOKENS: blankAsUnset(z.coerce.number().int().min(2_000).max(2_000_000).default(16_000)),
  /** Map calls at most per document; text beyond them is cut. */
  SUMMARIZER_MAX_CHUNKS: blankAsUnset(z.coerce.number().int().min(1).max(200).default(16)),
  ...openAiEnvShape,
});
export type SummarizerConfig = z.output<typeof summarizerConfigSchema> & { SUMMARIZER: SummarizerName };

/**
 * Validated summarizer configuration with the summarizer chosen. Throws ConfigError naming bad
 * keys (never values), including `SUMMARIZER=openai` without OPENAI_API_KEY.
 *
 * @example
 * parseSummarizerConfig({ OPENAI_API_KEY: '' }).SUMMARIZER // 'extractive'
 */
export function parseSummarizerConfig(input: EnvLike | unknown): SummarizerConfig {
  const config = parseEnvConfig(summarizerConfigSchema, input, 'summarizer');
  return { ...config, SUMMARIZER: chooseProvider(config.SUMMARIZER, config, 'extractive', 'SUMMARIZER') };
}

export interface SummarizerDeps {
  /** A ready client (tests, or one shared with the extractor); built from the config otherwise. */
  openAiClient?: OpenAI;
  /** Called with the tokens each LLM summary used (all its calls). */
  onUsage?: (usage: LlmUsage) => void;
  extractive?: ExtractiveSummarizerOptions;
  /** Called when OpenAI failed and the extractive summary was given instead. */
  onFallback?: (event: { code?: string }) => void;
}

/**
 * The summarizer the configuration asks for: `SUMMARIZER=openai|extractive`, defaulting to
 * OpenAI only when a key is configured. When OpenAI fails, the offline extractive summary is given
 * (its `provider` says so) instead of failing the job.
 *
 * @example
 * const summarizer = createSummarizer(process.env);
 * const summary = await summarizer.summarize({ text, title, signal });
 */
export function createSummarizer(input: EnvLike | unknown, deps: SummarizerDeps = {}): Summarizer {
  const config = parseSummarizerConfig(input);
  const extractive = createExtractiveSummarizer(deps.extractive);
  if (config.SUMMARIZER === 'extractive') return extractive;
  const load = lazyOpenAiService(config, deps.openAiClient, async () => {
    const { createLlmSummarizer } = await import('./llm-summarizer');
    return (client) =>
      createLlmSummarizer({
        client,
        model: config.OPENAI_MODEL,
        contextTokens: config.SUMMARIZER_CONTEXT_TOKENS,
        maxChunks: config.SUMMARIZER_MAX_CHUNKS,
        ...(deps.onUsage ? { onUsage: deps.onUsage } : {}),
      });
  });
  const llm: Summarizer = {
    name: `openai:${config.OPENAI_MODEL}`,
    summarize: async (request) => (await load()).summarize(request),
  };
  return createFallbackSummarizer({
    primary: llm,
    fallback: extractive,
    ...(deps.onFallback ? { onFallback: deps.onFallback } : {}),
  });
}
