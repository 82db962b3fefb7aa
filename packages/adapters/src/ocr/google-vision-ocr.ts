import { ImageAnnotatorClient, type protos } from '@google-cloud/vision';
import { type OcrInput, type OcrPage, type OcrResult, ValidationError } from '@paperlane/core';
import sharp from 'sharp';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../files/file-limits';
import { imageError } from '../files/image-errors';
import { inspectImage } from '../files/inspect-file';
import { openPdf } from '../files/pdf-document';
import type { OcrBackend } from './ocr-backend';
import { visionError, visionStatusError } from './vision-errors';

type AnnotateImageResponse = protos.google.cloud.vision.v1.IAnnotateImageResponse;

/** Service-account key fields the client needs (the rest of the JSON key is ignored). */
export interface GoogleServiceAccountKey {
  client_email: string;
  private_key: string;
  project_id?: string;
}

export interface GoogleVisionClientConfig {
  /** A service-account key (parsed JSON). Never logged. */
  credentials?: GoogleServiceAccountKey;
  /** Path of a service-account key file, instead of `credentials`. */
  keyFilename?: string;
  projectId?: string;
  /** Another endpoint (`http://127.0.0.1:8080` for a local fake); default Google's. */
  endpoint?: string;
}

/**
 * An ImageAnnotatorClient on the REST transport (HTTP/1.1 + JSON): no gRPC
 * channel to warm up in a Lambda, and it can talk to a plain HTTP endpoint.
 *
 * @example
 * const client = createGoogleVisionClient({ credentials: JSON.parse(process.env.GOOGLE_VISION_KEY!) });
 */
export function createGoogleVisionClient(config: GoogleVisionClientConfig = {}): ImageAnnotatorClient {
  const endpoint = config.endpoint ? new URL(config.endpoint) : undefined;
  return new ImageAnnotatorClient({
    fallback: true,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    ...(config.keyFilename ? { keyFilename: config.keyFilename } : {}),
    ...((config.projectId ?? config.credentials?.project_id)
      ? { projectId: config.projectId ?? config.credentials?.project_id }
      : {}),
    ...(endpoint
      ? {
          apiEndpoint: endpoint.hostname,
          port: Number(endpoint.port || (endpoint.protocol === 'http:' ? 80 : 443)),
          protocol: endpoint.protocol.replace(':', ''),
        }
      : {}),
  });
}

export interface GoogleVisionOcrOptions {
  client: ImageAnnotatorClient;
  limits?: FileLimits;
  /** Per-call deadline. Default 60 s. */
  timeoutMs?: number;
}

/** Inline image content is capped by Vision's 10 MB JSON request (base64 adds a third). */
const MAX_INLINE_BYTES = 7 * 1024 * 1024;
/** files:annotate reads at most five pages per request. */
const PAGES_PER_REQUEST = 5;
const FEATURES = [{ type: 'DOCUMENT_TEXT_DETECTION' as const }];

function pageOf(response: AnnotateImageResponse, pageNumber: number): OcrPage {
  if (response.error?.code) {
    throw visionStatusError(response.error.code, response.error.message ?? '', response.error);
  }
  const annotation = response.fullTextAnnotation;
  const scores = (annotation?.pages ?? [])
    .map((p) => p.confidence)
    .filter((c): c is number => typeof c === 'number');
  const confidence = scores.length ? scores.reduce((sum, c) => sum + c, 0) / scores.length : undefined;
  return {
    pageNumber: response.context?.pageNumber || pageNumber,
    text: (annotation?.text ?? '').trimEnd(),
    ...(confidence !== undefined ? { confidence } : {}),
  };
}

/**
 * Google Cloud Vision DOCUMENT_TEXT_DETECTION: images through images:annotate,
 * PDFs and TIFFs through files:annotate, five pages per request (inline content,
 * no Cloud Storage needed). Retries are left to the job queue: the client's own
 * retry is turned off so one call is one attempt.
 *
 * @example
 * const ocr = createGoogleVisionOcr({ client: createGoogleVisionClient({ keyFilename: 'key.json' }) });
 * const { text } = await ocr.recognize({ bytes, contentType: 'image/jpeg', languages: ['de'] });
 */
export function createGoogleVisionOcr(options: GoogleVisionOcrOptions): OcrBackend {
  const { client } = options;
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const callOptions = { timeout: options.timeoutMs ?? 60_000, retry: { retryCodes: [] } };
  let ready: Promise<unknown> | undefined;

  /** Runs one call; `cancel()` on abort, every failure mapped. */
  const call = async <T>(
    start: () => Promise<T> & { cancel?: () => void },
    signal?: AbortSignal,
  ): Promise<T> => {
    // Initialising up front surfaces credential errors here rather than as an
    // unhandled rejection inside the client.
    ready ??= client.initialize().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    let onAbort = () => {};
    try {
      await ready;
      if (signal?.aborted) throw signal.reason;
      const pending = start();
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => {
          pending.cancel?.();
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      return await Promise.race([pending, aborted]);
    } catch (error) {
      throw visionError(error, signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };

  const imageContext = (input: OcrInput) =>
    input.languages?.length ? { imageContext: { languageHints: input.languages } } : {};

  const annotateImage = async (input: OcrInput): Promise<OcrPage[]> => {
    await inspectImage(input.bytes, limits);
    let bytes = input.bytes;
    if (bytes.byteLength > MAX_INLINE_BYTES) {
      bytes = await sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: 'error' })
        .rotate()
        .resize({ width: 4000, height: 4000, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 85 })
        .toBuffer()
        .catch((error: unknown) => {
          throw imageError(error);
        });
    }
    const [response] = await call(
      () =>
        client.batchAnnotateImages(
          { requests: [{ image: { content: bytes }, features: FEATURES, ...imageContext(input) }] },
          callOptions,
        ),
      input.signal,
    );
    const first = response.responses?.[0];
    if (!first) throw visionStatusError(13, 'empty response');
    return [pageOf(first, 1)];
  };

  const annotateFile = async (input: OcrInput, mimeType: string, pageCount: number): Promise<OcrPage[]> => {
    if (input.bytes.byteLength > MAX_INLINE_BYTES) {
      throw new ValidationError('the file is too large for Google Vision inline requests', {
        code: 'file_too_large',
      });
    }
    const pages: OcrPage[] = [];
    for (let first = 1; first <= pageCount; first += PAGES_PER_REQUEST) {
      const wanted = Array.from(
        { length: Math.min(PAGES_PER_REQUEST, pageCount - first + 1) },
        (_, i) => first + i,
      );
      const [response] = await call(
        () =>
          client.batchAnnotateFiles(
            {
              requests: [
                {
                  inputConfig: { content: input.bytes, mimeType },
                  features: FEATURES,
                  pages: wanted,
                  ...imageContext(input),
                },
              ],
            },
            callOptions,
          ),
        input.signal,
      );
      const file = response.responses?.[0];
      if (file?.error?.code) throw visionStatusError(file.error.code, file.error.message ?? '', file.error);
      (file?.responses ?? []).forEach((page, i) => {
        pages.push(pageOf(page, wanted[i] ?? first + i));
      });
      input.onProgress?.(Math.min(1, (first + wanted.length - 1) / pageCount));
    }
    return pages;
  };

  const recognize = async (input: OcrInput): Promise<OcrResult> => {
    let pages: OcrPage[];
    if (input.contentType === 'application/pdf') {
      const pdf = await openPdf(input.bytes, { limits, ...(input.signal ? { signal: input.signal } : {}) });
      await pdf.close();
      pages = await annotateFile(input, 'application/pdf', pdf.pageCount);
    } else if (input.contentType === 'image/tiff') {
      await inspectImage(input.bytes, limits);
      const { pages: frames = 1 } = await sharp(input.bytes, { limitInputPixels: false }).metadata();
      if (frames > limits.maxPages) {
        throw new ValidationError(`the TIFF has ${frames} pages; at most ${limits.maxPages} are allowed`, {
          code: 'too_many_pages',
        });
      }
      pages = await annotateFile(input, 'image/tiff', frames);
    } else {
      pages = await annotateImage(input);
    }
    input.onProgress?.(1);
    return { provider: 'google-vision', text: pages.map((p) => p.text).join('\n\n'), pages };
  };

  return { name: 'google-vision', handlesPdf: true, recognize, close: () => client.close() };
}
