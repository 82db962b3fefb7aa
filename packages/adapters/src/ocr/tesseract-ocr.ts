import type { OcrInput, OcrPage, OcrResult } from '@paperlane/core';
import sharp from 'sharp';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../files/file-limits';
import { imageError } from '../files/image-errors';
import { inspectImage } from '../files/inspect-file';
import { openPdf } from '../files/pdf-document';
import { renderPdfPage } from '../files/render-pdf-page';
import type { OcrBackend } from './ocr-backend';
import { DEFAULT_TESSERACT_LANGUAGES, tesseractLanguages } from './tesseract-languages';
import { textFromTesseractTsv } from './tesseract-layout';
import { sharedTesseractRunner, type TesseractRunner } from './tesseract-runner';

export interface TesseractOcrOptions {
  /** `eng+deu`, or ISO 639-1 codes. Default {@link DEFAULT_TESSERACT_LANGUAGES}. */
  languages?: string | readonly string[];
  limits?: FileLimits;
  /** Resolution PDF pages are rasterised at. Default 200. */
  dpi?: number;
  /** Pixel budget of one rasterised PDF page. Default the smaller of 16 M and `maxInputPixels`. */
  maxRenderPixels?: number;
  /** Default: the process-wide runner for these languages (one worker per process). */
  runner?: TesseractRunner;
}

/**
 * Offline OCR with tesseract.js. Images are checked against the pixel budget from
 * their header, then turned upright (EXIF) and grey by sharp before OCR; PDFs are
 * rasterised page by page. Page text is laid out from the word boxes on a character
 * grid, so columns line up as they do on the page. One worker is reused for every
 * call in the process.
 *
 * @example
 * const ocr = createTesseractOcr({ languages: 'eng+deu' });
 * const { text } = await ocr.recognize({ bytes, contentType: 'image/png', onProgress: console.log });
 */
export function createTesseractOcr(options: TesseractOcrOptions = {}): OcrBackend {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const runner =
    options.runner ??
    sharedTesseractRunner(tesseractLanguages(options.languages ?? DEFAULT_TESSERACT_LANGUAGES));
  const maxPixels = options.maxRenderPixels ?? Math.min(16_000_000, limits.maxInputPixels);

  const page = async (
    png: Uint8Array,
    pageNumber: number,
    input: OcrInput,
    onProgress?: (fraction: number) => void,
  ): Promise<OcrPage> => {
    const result = await runner.recognize(png, {
      ...(input.signal ? { signal: input.signal } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    const text = (result.tsv ? textFromTesseractTsv(result.tsv) : undefined) ?? result.text;
    return { pageNumber, text: text.trimEnd(), confidence: result.confidence };
  };

  const recognize = async (input: OcrInput): Promise<OcrResult> => {
    const pages: OcrPage[] = [];
    if (input.contentType === 'application/pdf') {
      const pdf = await openPdf(input.bytes, { limits, ...(input.signal ? { signal: input.signal } : {}) });
      try {
        for (let n = 1; n <= pdf.pageCount; n++) {
          const image = await renderPdfPage(await pdf.page(n), {
            dpi: options.dpi ?? 200,
            maxPixels,
            ...(input.signal ? { signal: input.signal } : {}),
          });
          pages.push(
            await page(await image.png(), n, input, (f) => input.onProgress?.((n - 1 + f) / pdf.pageCount)),
          );
        }
      } finally {
        await pdf.close();
      }
    } else {
      await inspectImage(input.bytes, limits);
      let png: Uint8Array;
      try {
        png = await sharp(input.bytes, { limitInputPixels: limits.maxInputPixels, failOn: 'error' })
          .rotate()
          .greyscale()
          .png({ compressionLevel: 1 })
          .toBuffer();
      } catch (error) {
        throw imageError(error);
      }
      pages.push(await page(png, 1, input, input.onProgress));
    }
    input.onProgress?.(1);
    return { provider: 'tesseract', text: pages.map((p) => p.text).join('\n\n'), pages };
  };

  return { name: 'tesseract', handlesPdf: false, recognize, close: () => runner.terminate() };
}
