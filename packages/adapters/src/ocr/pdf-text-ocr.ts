import { type OcrInput, type OcrLine, type OcrPage, type OcrResult, PermanentError } from '@paperlane/core';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../files/file-limits';
import { openPdf } from '../files/pdf-document';
import { renderPdfPage } from '../files/render-pdf-page';
import { mergeFields } from './merge-fields';
import type { OcrBackend } from './ocr-backend';
import { layoutLines, linesFromRuns, textRunsFromPdfjs, visibleCharCount } from './text-layout';

export interface PdfTextOcrOptions {
  /** OCR for images and for PDF pages without a text layer. Without one, those fail (`ocr_not_configured`). */
  fallback?: OcrBackend;
  limits?: FileLimits;
  /** A page with fewer visible characters counts as scanned. Default 16. */
  minCharsPerPage?: number;
  /** Resolution scanned pages are rasterised at for the fallback. Default 200. */
  dpi?: number;
  /** Pixel budget of one rasterised page. Default the smaller of 16 M and `maxInputPixels`. */
  maxRenderPixels?: number;
}

/** Progress over `total` equal units, reported monotonically. */
function progressOver(total: number, report: OcrInput['onProgress']) {
  let last = 0;
  return (done: number) => {
    const fraction = Math.min(1, done / total);
    if (report && fraction > last) {
      last = fraction;
      report(fraction);
    }
  };
}

const unavailable = (what: string) =>
  new PermanentError(`${what} needs OCR and no OCR provider is configured`, { code: 'ocr_not_configured' });

/**
 * The text-layer-first provider. A PDF's own text is read with pdfjs (positions
 * laid out as lines in reading order); only pages with (almost) no text go to the
 * fallback OCR: rasterised one by one, or the whole PDF at once when every page is
 * scanned and the fallback reads PDFs itself. Images go straight to the fallback.
 *
 * @example
 * const ocr = createPdfTextOcr({ fallback: createTesseractOcr({ languages: 'eng+deu' }) });
 * const { text, provider } = await ocr.recognize({ bytes, contentType: 'application/pdf' });
 * // provider: 'pdf-text' (no OCR ran), 'pdf-text+tesseract' (mixed) or 'tesseract'
 */
export function createPdfTextOcr(options: PdfTextOcrOptions = {}): OcrBackend {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const minChars = options.minCharsPerPage ?? 16;
  const maxPixels = options.maxRenderPixels ?? Math.min(16_000_000, limits.maxInputPixels);
  const { fallback } = options;

  const recognize = async (input: OcrInput): Promise<OcrResult> => {
    if (input.contentType !== 'application/pdf') {
      if (!fallback) throw unavailable('an image');
      return fallback.recognize(input);
    }
    const pdf = await openPdf(input.bytes, { limits, ...(input.signal ? { signal: input.signal } : {}) });
    let closed = false;
    const close = async () => {
      if (!closed) await pdf.close();
      closed = true;
    };
    try {
      const progress = progressOver(pdf.pageCount, input.onProgress);
      const texts: (string | undefined)[] = [];
      const layouts: OcrLine[][] = [];
      for (let pageNumber = 1; pageNumber <= pdf.pageCount; pageNumber++) {
        const page = await pdf.page(pageNumber);
        const runs = textRunsFromPdfjs((await page.getTextContent()).items);
        const text = linesFromRuns(runs).join('\n');
        // The media box, in the same user space as the runs (y up from its bottom edge).
        const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
        layouts.push(layoutLines(runs, { left: x0, bottom: y0, width: x1 - x0, height: y1 - y0 }));
        page.cleanup();
        texts.push(visibleCharCount(text) >= minChars ? text : undefined);
        progress(texts.filter((t) => t !== undefined).length);
      }
      const textPage = (text: string | undefined, i: number): OcrPage => {
        const lines = layouts[i] ?? [];
        return { pageNumber: i + 1, text: text ?? '', ...(text && lines.length > 0 ? { lines } : {}) };
      };
      const scanned = texts.flatMap((text, i) => (text === undefined ? [i + 1] : []));
      if (scanned.length === 0) {
        const pages = texts.map(textPage);
        return { provider: 'pdf-text', text: pages.map((p) => p.text).join('\n\n'), pages };
      }
      if (!fallback) throw unavailable(`a scanned PDF page (${scanned.join(', ')})`);
      if (fallback.handlesPdf && scanned.length === pdf.pageCount) {
        await close();
        return await fallback.recognize(input);
      }
      const pages: OcrPage[] = texts.map(textPage);
      const fieldParts: OcrResult['fields'][] = [];
      let done = pdf.pageCount - scanned.length;
      for (const pageNumber of scanned) {
        const page = await pdf.page(pageNumber);
        const image = await renderPdfPage(page, {
          dpi: options.dpi ?? 200,
          maxPixels,
          ...(input.signal ? { signal: input.signal } : {}),
        });
        const result = await fallback.recognize({
          bytes: await image.png(),
          contentType: 'image/png',
          ...(input.languages ? { languages: input.languages } : {}),
          ...(input.signal ? { signal: input.signal } : {}),
          onProgress: (fraction) => progress(done + fraction),
        });
        done += 1;
        progress(done);
        const confidence = result.pages[0]?.confidence;
        const lines = result.pages[0]?.lines;
        pages[pageNumber - 1] = {
          pageNumber,
          text: result.text,
          ...(confidence !== undefined ? { confidence } : {}),
          ...(lines ? { lines } : {}),
        };
        fieldParts.push(result.fields);
      }
      const fields = mergeFields(fieldParts);
      return {
        provider: scanned.length === pdf.pageCount ? fallback.name : `pdf-text+${fallback.name}`,
        text: pages.map((p) => p.text).join('\n\n'),
        pages,
        ...(fields ? { fields } : {}),
      };
    } finally {
      await close();
    }
  };

  return {
    name: fallback ? `pdf-text+${fallback.name}` : 'pdf-text',
    handlesPdf: true,
    recognize,
    close: async () => fallback?.close(),
  };
}
