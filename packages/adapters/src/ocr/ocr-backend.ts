import type { OcrProvider } from '@paperlane/core';

/** An OCR provider plus what the PDF text-layer wrapper needs to know about it. */
export interface OcrBackend extends OcrProvider {
  /**
   * True when the provider reads whole PDFs itself (Textract, Vision): a PDF with no
   * text layer at all goes to it in one piece, so its document-level fields survive.
   * False (tesseract): PDF pages are rasterised and sent one by one.
   */
  readonly handlesPdf: boolean;
  /** Releases workers and clients; the provider is unusable afterwards. */
  close(): Promise<void>;
}
