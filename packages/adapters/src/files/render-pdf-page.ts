import { createCanvas } from '@napi-rs/canvas';
import { AbortedError, ValidationError } from '@paperlane/core';
import type { PDFPageProxy } from 'pdfjs-dist';

/** Skia refuses larger canvases; real pages never come close at OCR resolutions. */
const MAX_SIDE = 16_384;

export interface RenderPageOptions {
  /** Target resolution; lowered when the page would exceed `maxPixels`. Default 200. */
  dpi?: number;
  /** Upper bound on width × height of the bitmap (bounds memory at 4 bytes a pixel). */
  maxPixels: number;
  /** Render no wider than this (thumbnails). */
  maxWidth?: number;
  signal?: AbortSignal;
}

export interface RenderedPage {
  width: number;
  height: number;
  /** The page size in PDF points (1/72 inch), before scaling. */
  pageWidthPt: number;
  pageHeightPt: number;
  /** Top-left-origin RGBA pixels, `width * height * 4` bytes. */
  rgba(): Uint8Array;
  png(): Promise<Uint8Array>;
}

/**
 * The scale that renders a `widthPt × heightPt` page at `dpi`, within the pixel,
 * width and canvas bounds.
 *
 * @example
 * renderScale(595, 842, { dpi: 200, maxPixels: 16e6 }) // 2.78 (A4 at 200 dpi)
 */
export function renderScale(
  widthPt: number,
  heightPt: number,
  options: Pick<RenderPageOptions, 'dpi' | 'maxPixels' | 'maxWidth'>,
): number {
  let scale = (options.dpi ?? 200) / 72;
  if (options.maxWidth !== undefined) scale = Math.min(scale, options.maxWidth / widthPt);
  const area = widthPt * heightPt * scale * scale;
  if (area > options.maxPixels) scale = Math.sqrt(options.maxPixels / (widthPt * heightPt));
  return Math.min(scale, MAX_SIDE / widthPt, MAX_SIDE / heightPt);
}

/**
 * Rasterises one PDF page with pdfjs onto an @napi-rs/canvas bitmap (white background).
 *
 * @example
 * const page = await pdf.page(1);
 * const image = await renderPdfPage(page, { dpi: 200, maxPixels: 16_000_000 });
 * await ocr.recognize({ bytes: await image.png(), contentType: 'image/png' });
 */
export async function renderPdfPage(page: PDFPageProxy, options: RenderPageOptions): Promise<RenderedPage> {
  const base = page.getViewport({ scale: 1 });
  if (!(base.width > 0 && base.height > 0)) {
    throw new ValidationError(`page ${page.pageNumber} has no area`, { code: 'corrupt_file' });
  }
  const scale = renderScale(base.width, base.height, options);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.floor(viewport.width));
  const height = Math.max(1, Math.floor(viewport.height));
  const canvas = createCanvas(width, height);
  const task = page.render({ canvas: canvas as never, viewport, background: 'rgb(255,255,255)' });
  const onAbort = () => task.cancel();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await task.promise;
  } catch (error) {
    if (options.signal?.aborted)
      throw new AbortedError('aborted while rendering', { cause: options.signal.reason });
    throw new ValidationError(`page ${page.pageNumber} could not be rendered`, {
      code: 'corrupt_file',
      cause: error,
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    page.cleanup();
  }
  return {
    width,
    height,
    pageWidthPt: base.width,
    pageHeightPt: base.height,
    rgba: () => {
      const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
      return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    },
    png: async () => new Uint8Array(await canvas.encode('png')),
  };
}
