export { createInvoiceProcessingHandler, type InvoiceProcessingDeps } from './handler';
export { type JobProgress, jobProgress } from './job-progress';
export { loadDocument, loadOriginal } from './load-original';
export {
  type InvoiceReading,
  type ReadInvoiceInput,
  type RecognizeDocumentInput,
  type RecognizedDocument,
  readInvoice,
  recognizeDocument,
  type SniffContentType,
} from './read-invoice';
export { recordLostInvoiceAttempt } from './record-lost-attempt';
