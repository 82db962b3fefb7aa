import type { Extractor } from '@paperlane/core';
import type OpenAI from 'openai';
import { z } from 'zod';
import { createFallbackExtractor, type ExtractionFallback } from './fallback-extractor';
import {
  blankAsUnset,
  chooseProvider,
  type EnvLike,
  lazyOpenAiService,
  lowerCase,
  openAiEnvShape,
  parseEnvConfig,
} from './openai/openai-config';
import type { LlmUsage } from './openai/structured-completion';
import { createRulesExtractor } from './rules/index';

export const EXTRACTORS = ['openai', 'rules'] as const;
export type ExtractorName = (typeof EXTRACTORS)[number];

/** Extractor configuration, read from environment-style keys. */
export const extractorConfigSchema = z.object({
  /** Unset: `openai` when OPENAI_API_KEY is set, otherwise `rules` (works offline). */
  EXTRACTOR: blankAsUnset(z.preprocess(lowerCase, z.enum(EXTRACTORS)).optional()),
  /** Approximate document tokens sent to the model; longer text is cut. */
  EXTRACTOR_MAX_INPUT_TOKENS: blankAsUnset(z.coerce.number().int().min(500).max(1_000_000).default(12_000)),
  ...openAiEnvShape,
});
export type ExtractorConfig = z.output<typeof extractorConfigSchema> & { EXTRACTOR: ExtractorName };

/**
 * Validated extractor configuration with the extractor chosen. Throws ConfigError naming
 * bad keys (never values), including `EXTRACTOR=openai` without OPENAI_API_KEY.
 *
 * @example
 * parseExtractorConfig(process.env).EXTRACTOR // 'rules' when no key is set
 */
export function parseExtractorConfig(input: EnvLike | unknown): ExtractorConfig {
  const config = parseEnvConfig(extractorConfigSchema, input, 'extractor');
  return { ...config, EXTRACTOR: chooseProvider(config.EXTRACTOR, config, 'rules', 'EXTRACTOR') };
}

export interface ExtractorDeps {
  /** A ready client (tests, or one shared with the summarizer); built from the config otherwise. */
  openAiClient?: OpenAI;
  /** Called with the tokens each OpenAI extraction used. */
  onUsage?: (usage: LlmUsage) => void;
  /** Passed to `createRulesExtractor`. */
  rules?: Parameters<typeof createRulesExtractor>[0];
  /** Called when the OpenAI extractor failed or its amounts did not add up and the rules answered. */
  onFallback?: (event: ExtractionFallback) => void;
}

/**
 * The extractor the configuration asks for: `EXTRACTOR=openai|rules`, defaulting to OpenAI
 * only when a key is configured, so a fresh checkout extracts offline with rules. OpenAI falls back
 * to the rules when the provider fails, and its amounts are checked against the rules' arithmetic.
 *
 * @example
 * const extractor = createExtractor(process.env);
 * const fields = await extractor.extract({ text: ocr.text, providerFields: ocr.fields, signal });
 */
export function createExtractor(input: EnvLike | unknown, deps: ExtractorDeps = {}): Extractor {
  const config = parseExtractorConfig(input);
  const rules = createRulesExtractor(deps.rules);
  if (config.EXTRACTOR === 'rules') return rules;
  const load = lazyOpenAiService(config, deps.openAiClient, async () => {
    const { createOpenAiExtractor } = await import('./openai/openai-extractor');
    return (client) =>
      createOpenAiExtractor({
        client,
        model: config.OPENAI_MODEL,
        maxInputTokens: config.EXTRACTOR_MAX_INPUT_TOKENS,
        ...(deps.onUsage ? { onUsage: deps.onUsage } : {}),
      });
  });
  const openAi: Extractor = {
    name: `openai:${config.OPENAI_MODEL}`,
    extract: async (request) => (await load()).extract(request),
  };
  return createFallbackExtractor({
    primary: openAi,
    fallback: rules,
    ...(deps.onFallback ? { onFallback: deps.onFallback } : {}),
  });
}
