import { AbortedError, ConfigError, PermanentError, RetryableError, ValidationError } from '@paperlane/core';

const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'InternalServerError',
  'LimitExceededException',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);

/** Textract's document exceptions → our file error codes. */
const DOCUMENT_ERRORS: Record<string, string> = {
  UnsupportedDocumentException: 'unsupported_file_type',
  BadDocumentException: 'corrupt_file',
  DocumentTooLargeException: 'file_too_large',
  InvalidParameterException: 'ocr_invalid_request',
  InvalidS3ObjectException: 'ocr_invalid_request',
  InvalidJobIdException: 'ocr_invalid_request',
  IdempotentParameterMismatchException: 'ocr_invalid_request',
};

const CONFIG_ERRORS = new Set([
  'AccessDeniedException',
  'InvalidKMSKeyException',
  'UnrecognizedClientException',
  'MissingAuthenticationTokenException',
  'InvalidSignatureException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

function retryAfterMs(error: SdkErrorShape): number | undefined {
  const header = error.$response?.headers?.['retry-after'];
  const seconds = header === undefined ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Maps an AWS SDK (Textract) error to our taxonomy: throttling, 5xx and network
 * failures are RetryableError; bad documents and bad requests are permanent with
 * the matching file code; credential and permission problems are ConfigError.
 * Anything else is returned unchanged (and retried by the runtime).
 *
 * @example
 * await client.send(command).catch((error) => { throw textractError(error); });
 */
export function textractError(error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return new AbortedError('Textract call aborted', { cause: error });
  if (typeof error !== 'object' || error === null)
    return new RetryableError(String(error), { code: 'ocr_unavailable' });
  const shape = error as SdkErrorShape;
  const name = shape.name ?? '';
  const message = `Textract ${name}: ${shape.message ?? ''}`.trim();
  if (name === 'AbortError') return new AbortedError('Textract call aborted', { cause: error });
  if (RETRYABLE.has(name) || shape.$fault === 'server' || (shape.$metadata?.httpStatusCode ?? 0) >= 500) {
    const code = /Throttl|Throughput|LimitExceeded/.test(name) ? 'ocr_throttled' : 'ocr_unavailable';
    const after = retryAfterMs(shape);
    return new RetryableError(message, {
      code,
      cause: error,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
  }
  const documentCode = DOCUMENT_ERRORS[name];
  if (documentCode) return new ValidationError(message, { code: documentCode, cause: error });
  if (CONFIG_ERRORS.has(name)) return new ConfigError(message, { code: 'ocr_access_denied', cause: error });
  if (shape.code && NETWORK_CODES.has(shape.code)) {
    return new RetryableError(`Textract unreachable: ${shape.code}`, {
      code: 'ocr_unavailable',
      cause: error,
    });
  }
  if (shape.$fault === 'client') return new PermanentError(message, { code: 'ocr_rejected', cause: error });
  return error as Error;
}
