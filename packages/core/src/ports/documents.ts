import type { DocumentSummary, InvoiceFields } from '../invoice';

/** Supported document types, decided by sniffing bytes, never by file name. */
export type DocumentContentType =
  | 'application/pdf'
  | 'image/png'
  | 'image/jpeg'
  | 'image/webp'
  | 'image/tiff';

/**
 * A run of text where it sits on its page: a line, or one column of a line. Positions are in
 * thousandths of the page's width and height from its top-left corner, so they read the same
 * whatever the page size or scan resolution.
 *
 * @example
 * const total: OcrLine = { text: 'Total 1.234,56 EUR', x: 612, y: 840, width: 250, height: 14 };
 */
export interface OcrLine {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OcrPage {
  pageNumber: number;
  text: string;
  /** 0-1, where the provider reports it. */
  confidence?: number;
  /** The page's text with positions, where the text layer or OCR engine gives them. */
  lines?: OcrLine[];
}

export interface OcrInput {
  bytes: Uint8Array;
  contentType: DocumentContentType;
  /** Where the same bytes live in the blob store (providers that read from S3 directly). */
  blobKey?: string;
  /** ISO 639-1 hints, e.g. ['en', 'de']. */
  languages?: string[];
  signal?: AbortSignal;
  /** 0-1 as pages complete. */
  onProgress?: (fraction: number) => void;
}

export interface OcrResult {
  /** `pdf-text`, `textract`, `google-vision`, `tesseract`. */
  provider: string;
  text: string;
  pages: OcrPage[];
  /** Fields a provider extracted itself (Textract AnalyzeExpense); extraction may use them directly. */
  fields?: Partial<InvoiceFields>;
}

/** Turns a document into text. Throws PermanentError for files it cannot read, RetryableError for throttling. */
export interface OcrProvider {
  readonly name: string;
  recognize(input: OcrInput): Promise<OcrResult>;
}

export interface ExtractionInput {
  text: string;
  pages?: OcrPage[];
  /** Fields the OCR provider already found; an extractor may trust or refine them. */
  providerFields?: Partial<InvoiceFields>;
  signal?: AbortSignal;
  /**
   * Called with the LLM tokens each model call of this extraction used, so the job can
   * record what its reading cost (extractors without a model never call it).
   */
  onUsage?: (usage: { promptTokens: number; completionTokens: number }) => void;
}

/** Turns document text into invoice fields. */
export interface Extractor {
  readonly name: string;
  extract(input: ExtractionInput): Promise<InvoiceFields>;
}

export interface SummarizeInput {
  text: string;
  title?: string;
  signal?: AbortSignal;
}

/** Summarizes a document (LLM, or an offline extractive summarizer). */
export interface Summarizer {
  readonly name: string;
  summarize(input: SummarizeInput): Promise<DocumentSummary>;
}
