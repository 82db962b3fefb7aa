import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AbortedError, ValidationError } from '@paperlane/core';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist';
import { DEFAULT_FILE_LIMITS, type FileLimits } from './file-limits';

type Pdfjs = typeof import('pdfjs-dist');

let pdfjs: Promise<Pdfjs> | undefined;

/**
 * pdfjs in Node runs its "worker" on the main thread. Handing it the worker module
 * up front (instead of letting it `import()` a path at run time) keeps bundlers
 * (esbuild for Lambda) able to see the dependency.
 */
function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= (async () => {
    const worker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return (await import('pdfjs-dist/legacy/build/pdf.mjs')) as Pdfjs;
  })();
  return pdfjs;
}

/** Local folders of pdfjs's data files; read from disk, never fetched. */
function pdfjsDataPaths() {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  return {
    standardFontDataUrl: `${join(root, 'standard_fonts')}/`,
    cMapUrl: `${join(root, 'cmaps')}/`,
    wasmUrl: `${join(root, 'wasm')}/`,
    iccUrl: `${join(root, 'iccs')}/`,
  };
}
let dataPaths: ReturnType<typeof pdfjsDataPaths> | undefined;

/** An open PDF. Always `close()` it: pdfjs keeps parsed objects until then. */
export interface PdfHandle {
  readonly pageCount: number;
  /** 1-based. */
  page(pageNumber: number): Promise<PDFPageProxy>;
  close(): Promise<void>;
}

export interface OpenPdfOptions {
  limits?: Pick<FileLimits, 'maxPages' | 'maxInputPixels'>;
  signal?: AbortSignal;
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}

/**
 * Opens a PDF with pdfjs in its safe configuration (no eval, no font faces, no
 * network, decoded images capped at `maxInputPixels`) and checks its page count.
 *
 * Throws ValidationError `encrypted_pdf` (needs a password), `corrupt_file`
 * (not a readable PDF, or no pages), `too_many_pages` (over `maxPages`).
 *
 * @example
 * const pdf = await openPdf(bytes, { limits: { maxPages: 20, maxInputPixels: 40e6 } });
 * try { console.log(pdf.pageCount); } finally { await pdf.close(); }
 */
export async function openPdf(bytes: Uint8Array, options: OpenPdfOptions = {}): Promise<PdfHandle> {
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const { signal } = options;
  if (bytes.byteLength === 0) throw new ValidationError('the file is empty', { code: 'empty_file' });
  if (signal?.aborted) throw new AbortedError('aborted before opening the PDF', { cause: signal.reason });
  const lib = await loadPdfjs();
  dataPaths ??= pdfjsDataPaths();
  const task = lib.getDocument({
    // pdfjs may detach the buffer it is given; the caller keeps its bytes.
    data: bytes.slice(),
    ...dataPaths,
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    maxImageSize: limits.maxInputPixels,
    verbosity: 0,
  });
  const onAbort = () => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    signal?.removeEventListener('abort', onAbort);
    await task.destroy().catch(() => {});
    if (signal?.aborted) throw new AbortedError('aborted while opening the PDF', { cause: signal.reason });
    if (errorName(error) === 'PasswordException') {
      throw new ValidationError('the PDF is encrypted with a password', {
        code: 'encrypted_pdf',
        cause: error,
      });
    }
    throw new ValidationError('the PDF is corrupt or not a PDF', { code: 'corrupt_file', cause: error });
  }
  const close = async () => {
    signal?.removeEventListener('abort', onAbort);
    await task.destroy();
  };
  const pageCount = doc.numPages;
  if (pageCount < 1) {
    await close();
    throw new ValidationError('the PDF has no pages', { code: 'corrupt_file' });
  }
  if (pageCount > limits.maxPages) {
    await close();
    throw new ValidationError(`the PDF has ${pageCount} pages; at most ${limits.maxPages} are allowed`, {
      code: 'too_many_pages',
    });
  }
  return {
    pageCount,
    async page(pageNumber) {
      if (signal?.aborted) throw new AbortedError('aborted while reading the PDF', { cause: signal.reason });
      try {
        return await doc.getPage(pageNumber);
      } catch (error) {
        if (signal?.aborted)
          throw new AbortedError('aborted while reading the PDF', { cause: signal.reason });
        throw new ValidationError(`page ${pageNumber} of the PDF is corrupt`, {
          code: 'corrupt_file',
          cause: error,
        });
      }
    },
    close,
  };
}

/**
 * Page count of a PDF after the same checks as {@link openPdf}.
 *
 * @example
 * const { pageCount } = await inspectPdf(bytes, limits);
 */
export async function inspectPdf(
  bytes: Uint8Array,
  limits: Pick<FileLimits, 'maxPages' | 'maxInputPixels'> = DEFAULT_FILE_LIMITS,
): Promise<{ pageCount: number }> {
  const pdf = await openPdf(bytes, { limits });
  await pdf.close();
  return { pageCount: pdf.pageCount };
}
