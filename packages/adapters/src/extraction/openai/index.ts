export { EXTRACTION_SYSTEM_PROMPT, type ExtractionPrompt, extractionPrompt } from './extraction-prompt';
export { type InvoiceOutput, invoiceOutputSchema, toInvoiceFields } from './invoice-output';
export { createOpenAiClient, type OpenAiClientOptions } from './openai-client';
export { openAiError, redactKeys, retryAfterMs } from './openai-errors';
export {
  createOpenAiExtractor,
  type ExtractionWithUsage,
  type OpenAiExtractor,
  type OpenAiExtractorOptions,
} from './openai-extractor';
export {
  addUsage,
  type LlmUsage,
  NO_USAGE,
  type StructuredCompletion,
  type StructuredCompletionRequest,
  structuredCompletion,
} from './structured-completion';
export { estimateTokens, truncateToTokens } from './token-estimate';
export { wrapUntrusted } from './untrusted-text';
