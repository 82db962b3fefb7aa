import {
  AbortedError,
  type DocumentContentType,
  type Extractor,
  type InvoiceFields,
  invoiceFieldsSchema,
  type OcrProvider,
  type OcrResult,
  PermanentError,
} from '@paperlane/core';

/** The real type of a file from its bytes; throws a PermanentError for anything unsupported. */
export type SniffContentType = (bytes: Uint8Array) => DocumentContentType;

export interface RecognizeDocumentInput {
  bytes: Uint8Array;
  sniff: SniffContentType;
  ocr: OcrProvider;
  /** Where the same bytes live in the blob store (providers that read from S3 directly). */
  blobKey?: string;
  languages?: string[];
  signal?: AbortSignal;
  /** 0-1 as OCR pages complete. */
  onProgress?: (fraction: number) => void;
}

export interface RecognizedDocument {
  contentType: DocumentContentType;
  ocr: OcrResult;
}

export interface ReadInvoiceInput extends RecognizeDocumentInput {
  extractor: Extractor;
}

export interface InvoiceReading extends RecognizedDocument {
  fields: InvoiceFields;
  /** LLM tokens the extraction used, summed over its model calls; absent when it made none. */
  usage?: { promptTokens: number; completionTokens: number };
}

/** Throws AbortedError once the job's signal fired, so no further paid call starts. */
export function throwIfAborted(signal: AbortSignal | undefined, during: string): void {
  if (signal?.aborted) throw new AbortedError(`aborted during ${during}`, { cause: signal.reason });
}

/**
 * A document's text: its type sniffed from the bytes (never the stored name or type),
 * then OCR (the provider reads a PDF's text layer first and enforces the page and
 * pixel caps). A document without any readable text is refused (`no_text`): nothing
 * downstream can do anything useful with it, and retrying will not change that.
 *
 * @example
 * const { contentType, ocr: result } = await recognizeDocument({ bytes, sniff: sniffContentType, ocr });
 */
export async function recognizeDocument(input: RecognizeDocumentInput): Promise<RecognizedDocument> {
  const contentType = input.sniff(input.bytes);
  throwIfAborted(input.signal, 'OCR');
  const ocr = await input.ocr.recognize({
    bytes: input.bytes,
    contentType,
    ...(input.blobKey ? { blobKey: input.blobKey } : {}),
    ...(input.languages ? { languages: input.languages } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  if (ocr.text.trim().length === 0) {
    throw new PermanentError('the document contains no readable text', { code: 'no_text' });
  }
  return { contentType, ocr };
}

/** Share of the reading's progress given to OCR; extraction gets the rest. */
const OCR_SHARE = 0.85;

/**
 * Reads an invoice file into fields: {@link recognizeDocument}, then extraction. The
 * invoice-processing job and `paperlane extract` both call this, so the CLI shows
 * exactly what the job would store.
 *
 * @example
 * const { fields, ocr: { text, provider } } = await readInvoice({ bytes, sniff: sniffContentType, ocr, extractor });
 */
export async function readInvoice(input: ReadInvoiceInput): Promise<InvoiceReading> {
  const report = input.onProgress;
  const recognized = await recognizeDocument({
    ...input,
    ...(report ? { onProgress: (fraction: number) => report(fraction * OCR_SHARE) } : {}),
  });
  throwIfAborted(input.signal, 'extraction');
  let usage: InvoiceReading['usage'];
  const raw = await input.extractor.extract({
    text: recognized.ocr.text,
    pages: recognized.ocr.pages,
    ...(recognized.ocr.fields ? { providerFields: recognized.ocr.fields } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    onUsage: (call) => {
      usage = {
        promptTokens: (usage?.promptTokens ?? 0) + call.promptTokens,
        completionTokens: (usage?.completionTokens ?? 0) + call.completionTokens,
      };
    },
  });
  // Extractors are plug-ins (an LLM among them): their output is checked like any input.
  const parsed = invoiceFieldsSchema.safeParse(raw);
  if (!parsed.success) {
    const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))].slice(0, 5);
    throw new PermanentError(`the extractor returned invalid fields: ${where.join(', ')}`, {
      code: 'invalid_extraction',
    });
  }
  report?.(1);
  return { ...recognized, fields: parsed.data, ...(usage ? { usage } : {}) };
}
