export {
  createExtractor,
  EXTRACTORS,
  type ExtractorConfig,
  type ExtractorDeps,
  type ExtractorName,
  extractorConfigSchema,
  parseExtractorConfig,
} from './create-extractor';
export * from './openai/index';
export * from './rules/index';
