export { chunkText } from './chunk-text';
export {
  createSummarizer,
  parseSummarizerConfig,
  SUMMARIZERS,
  type SummarizerConfig,
  type SummarizerDeps,
  type SummarizerName,
  summarizerConfigSchema,
} from './create-summarizer';
export { detectLanguage, type LanguageGuess, UNDETERMINED_LANGUAGE } from './detect-language';
export { createExtractiveSummarizer, type ExtractiveSummarizerOptions } from './extractive-summarizer';
export { createFallbackSummarizer, type FallbackSummarizerOptions } from './fallback-summarizer';
export { keyEntities } from './key-entities';
export { termFrequencies, topKeywords } from './keywords';
export {
  CHUNK_SYSTEM_PROMPT,
  createLlmSummarizer,
  type LlmSummarizer,
  type LlmSummarizerOptions,
  SUMMARY_SYSTEM_PROMPT,
  type SummaryWithUsage,
} from './llm-summarizer';
export { splitSentences } from './sentences';
export { STOPWORDS, SUMMARY_LANGUAGES, type SummaryLanguage } from './stopwords';
