export { createLlmSummaryHandler, type LlmSummaryDeps } from './handler';
