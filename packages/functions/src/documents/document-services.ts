import { createExtractor } from '@paperlane/adapters/extraction/create-extractor';
import { sniffContentType } from '@paperlane/adapters/files/content-type';
import { createOcrProvider, type OcrClients } from '@paperlane/adapters/ocr/create-ocr-provider';
import { createSummarizer } from '@paperlane/adapters/summarization/create-summarizer';
import type { Extractor, OcrProvider, Summarizer } from '@paperlane/core';
import type { RenderThumbnails } from '@paperlane/jobs/thumbnail/index';
import type { Config } from '../config/config';
import { type DocumentSettings, documentSettings } from './document-settings';

export interface DocumentServices {
  settings: DocumentSettings;
  ocr: OcrProvider;
  extractor: Extractor;
  summarizer: Summarizer;
  renderThumbnails: RenderThumbnails;
  sniff: typeof sniffContentType;
  /** Ends the OCR provider's clients or workers (the tesseract worker is a thread). */
  close(): Promise<void>;
}

/**
 * The OCR provider, built on first use: the thumbnail and summary consumers never
 * load tesseract.js or an OCR client, and start-up stays fast.
 */
function lazyOcr(settings: DocumentSettings, clients: OcrClients) {
  let backend: ReturnType<typeof createOcrProvider> | undefined;
  const provider: OcrProvider = {
    name: settings.ocr.provider,
    async recognize(input) {
      backend ??= createOcrProvider(settings.ocr, clients);
      return (await backend).recognize(input);
    },
  };
  return {
    provider,
    close: async () => {
      if (backend) await (await backend).close();
    },
  };
}

/**
 * What the document jobs and `paperlane extract` read files with, from one
 * configuration: OCR (`OCR_PROVIDER`, behind the PDF text layer), extraction
 * (`EXTRACTOR`), summaries (`SUMMARIZER`) and thumbnails, all under the same file limits.
 *
 * @example
 * const services = createDocumentServices(loadConfig(process.env));
 * const reading = await readInvoice({ bytes, ...services });
 */
export function createDocumentServices(config: Config, clients: OcrClients = {}): DocumentServices {
  const settings = documentSettings(config);
  const ocr = lazyOcr(settings, clients);
  return {
    settings,
    ocr: ocr.provider,
    extractor: createExtractor(config.source),
    summarizer: createSummarizer(config.source),
    // sharp and the canvas load on the first render, not at every start: a summary or a
    // text-layer PDF never needs them.
    renderThumbnails: async ({ bytes, contentType }) => {
      const { renderThumbnails } = await import('@paperlane/adapters/images/render-thumbnails');
      return renderThumbnails(bytes, contentType, settings.fileLimits, settings.thumbnails);
    },
    sniff: sniffContentType,
    close: ocr.close,
  };
}
