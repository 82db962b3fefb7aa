import { createHash } from 'node:crypto';
import {
  AnalyzeExpenseCommand,
  type ExpenseDocument,
  GetExpenseAnalysisCommand,
  type GetExpenseAnalysisCommandOutput,
  StartExpenseAnalysisCommand,
  type TextractClient,
} from '@aws-sdk/client-textract';
import {
  AbortedError,
  type Clock,
  ConfigError,
  type OcrInput,
  type OcrResult,
  PermanentError,
  RetryableError,
  systemClock,
} from '@paperlane/core';
import sharp from 'sharp';
import { DEFAULT_FILE_LIMITS, type FileLimits } from '../files/file-limits';
import { imageError } from '../files/image-errors';
import { inspectImage } from '../files/inspect-file';
import { openPdf } from '../files/pdf-document';
import type { OcrBackend } from './ocr-backend';
import { textractError } from './textract-errors';
import { fieldsFromExpenseDocuments, pagesFromExpenseDocuments } from './textract-expense';
import { abortableWait } from './wait';

export interface TextractOcrOptions {
  client: TextractClient;
  /** The bucket `blobKey`s live in: multi-page PDFs are analysed from S3 (StartExpenseAnalysis). */
  bucket?: string;
  limits?: FileLimits;
  /** Largest document sent inline to AnalyzeExpense. Default 10 MB (Textract's limit). */
  syncMaxBytes?: number;
  /** First wait before polling an async job; later waits grow 1.5× up to `maxPollMs`. Default 1 s. */
  pollMs?: number;
  /** Default 10 s. */
  maxPollMs?: number;
  /** Give up polling (retryable; the next attempt resumes the same job) after this long. Default 10 min. */
  maxWaitMs?: number;
  /** How polling waits; tests inject one that returns at once. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  clock?: Clock;
}

const MB = 1024 * 1024;

/**
 * Amazon Textract AnalyzeExpense: images and 1-page PDFs inline (sync), longer
 * PDFs from S3 through StartExpenseAnalysis + GetExpenseAnalysis polling. The
 * expense fields come back as `fields`, ready for extraction to trust or refine;
 * the text is Textract's LINE blocks.
 *
 * The start request carries a token derived from the bytes, so a retried job
 * resumes the Textract job it already started instead of paying for another.
 *
 * @example
 * const ocr = createTextractOcr({ client: new TextractClient(awsClientConfig()), bucket: 'paperlane-files' });
 * const { fields, text } = await ocr.recognize({ bytes, contentType: 'application/pdf', blobKey });
 */
export function createTextractOcr(options: TextractOcrOptions): OcrBackend {
  const { client } = options;
  const limits = options.limits ?? DEFAULT_FILE_LIMITS;
  const syncMaxBytes = options.syncMaxBytes ?? 10 * MB;
  const wait = options.wait ?? abortableWait;
  const clock = options.clock ?? systemClock;

  const send = async <T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw textractError(error, signal);
    }
  };

  const result = (documents: readonly ExpenseDocument[], pageCount?: number): OcrResult => {
    const pages = pagesFromExpenseDocuments(documents, pageCount);
    const fields = fieldsFromExpenseDocuments(documents);
    return { provider: 'textract', text: pages.map((p) => p.text).join('\n\n'), pages, fields };
  };

  const analyzeSync = async (bytes: Uint8Array, input: OcrInput, pageCount?: number) => {
    const signal = input.signal;
    const response = await send(
      () =>
        client.send(
          new AnalyzeExpenseCommand({ Document: { Bytes: bytes } }),
          signal ? { abortSignal: signal } : {},
        ),
      signal,
    );
    input.onProgress?.(1);
    return result(response.ExpenseDocuments ?? [], response.DocumentMetadata?.Pages ?? pageCount);
  };

  const analyzeAsync = async (input: OcrInput, pageCount: number): Promise<OcrResult> => {
    const { signal, blobKey } = input;
    if (!options.bucket || !blobKey) {
      throw new ConfigError(
        'Textract reads multi-page PDFs from S3: configure a bucket and pass the blobKey',
        {
          code: 'ocr_input_unsupported',
        },
      );
    }
    const callOptions = signal ? { abortSignal: signal } : {};
    const { JobId } = await send(
      () =>
        client.send(
          new StartExpenseAnalysisCommand({
            DocumentLocation: { S3Object: { Bucket: options.bucket, Name: blobKey } },
            ClientRequestToken: createHash('sha256').update(input.bytes).digest('hex'),
            JobTag: 'paperlane',
          }),
          callOptions,
        ),
      signal,
    );
    if (!JobId) throw new RetryableError('Textract started no job', { code: 'ocr_unavailable' });
    input.onProgress?.(0.05);
    const deadline = clock.now().getTime() + (options.maxWaitMs ?? 10 * 60_000);
    let delay = options.pollMs ?? 1000;
    let polls = 0;
    let first: GetExpenseAnalysisCommandOutput;
    for (;;) {
      try {
        await wait(delay, signal);
      } catch (error) {
        throw new AbortedError('Textract polling aborted', { cause: error });
      }
      first = await send(() => client.send(new GetExpenseAnalysisCommand({ JobId }), callOptions), signal);
      if (first.JobStatus !== 'IN_PROGRESS') break;
      polls += 1;
      input.onProgress?.(0.05 + 0.85 * (1 - 0.8 ** polls));
      if (clock.now().getTime() >= deadline) {
        throw new RetryableError(`Textract job ${JobId} is still running`, {
          code: 'ocr_timeout',
          retryAfterMs: options.maxPollMs ?? 10_000,
        });
      }
      delay = Math.min(delay * 1.5, options.maxPollMs ?? 10_000);
    }
    if (first.JobStatus === 'FAILED' || !first.JobStatus) {
      throw new PermanentError(
        `Textract could not analyse the document: ${first.StatusMessage ?? 'no reason given'}`,
        {
          code: 'ocr_failed',
        },
      );
    }
    const documents = [...(first.ExpenseDocuments ?? [])];
    let token = first.NextToken;
    while (token) {
      const next = await send(
        () => client.send(new GetExpenseAnalysisCommand({ JobId, NextToken: token }), callOptions),
        signal,
      );
      documents.push(...(next.ExpenseDocuments ?? []));
      token = next.NextToken;
    }
    input.onProgress?.(1);
    return result(documents, first.DocumentMetadata?.Pages ?? pageCount);
  };

  const recognize = async (input: OcrInput): Promise<OcrResult> => {
    if (input.contentType === 'application/pdf') {
      const pdf = await openPdf(input.bytes, { limits, ...(input.signal ? { signal: input.signal } : {}) });
      await pdf.close();
      if (pdf.pageCount === 1 && input.bytes.byteLength <= syncMaxBytes) {
        return analyzeSync(input.bytes, input, 1);
      }
      return analyzeAsync(input, pdf.pageCount);
    }
    await inspectImage(input.bytes, limits);
    // Textract reads PNG, JPEG and TIFF; WebP and oversized images are re-encoded.
    if (input.contentType === 'image/webp' || input.bytes.byteLength > syncMaxBytes) {
      const jpeg = await sharp(input.bytes, { limitInputPixels: limits.maxInputPixels, failOn: 'error' })
        .rotate()
        .resize({ width: 4000, height: 4000, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 85 })
        .toBuffer()
        .catch((error: unknown) => {
          throw imageError(error);
        });
      return analyzeSync(new Uint8Array(jpeg), input);
    }
    return analyzeSync(input.bytes, input);
  };

  return {
    name: 'textract',
    handlesPdf: true,
    recognize,
    close: async () => client.destroy(),
  };
}
