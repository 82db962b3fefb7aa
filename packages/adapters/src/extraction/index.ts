export { type AmountCheck, checkAmounts } from './amount-check';
export {
  createExtractor,
  EXTRACTORS,
  type ExtractorConfig,
  type ExtractorDeps,
  type ExtractorName,
  extractorConfigSchema,
  parseExtractorConfig,
} from './create-extractor';
export {
  createFallbackExtractor,
  type ExtractionFallback,
  type FallbackExtractorOptions,
} from './fallback-extractor';
export * from './openai/index';
export * from './rules/index';
