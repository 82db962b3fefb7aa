import { AbortedError, ConfigError, PermanentError, RetryableError, ValidationError } from '@paperlane/core';

/** google.rpc.Code values the mapping cares about. */
const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const RETRYABLE = new Set<number>([
  Code.UNKNOWN,
  Code.DEADLINE_EXCEEDED,
  Code.RESOURCE_EXHAUSTED,
  Code.ABORTED,
  Code.INTERNAL,
  Code.UNAVAILABLE,
]);

/** google.rpc.Code by name, for REST error bodies (`"status": "RESOURCE_EXHAUSTED"`). */
const CODE_BY_NAME: Record<string, number> = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/** The documented HTTP → canonical code mapping, for bodies without a status name. */
function codeFromHttp(status: number): number {
  const table: Record<number, number> = {
    400: 3,
    401: 16,
    403: 7,
    404: 5,
    409: 10,
    429: 8,
    499: 1,
    501: 12,
    503: 14,
    504: 4,
  };
  return table[status] ?? (status >= 500 ? 13 : 2);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

interface GoogleErrorShape {
  code?: number | string;
  message?: string;
  name?: string;
  statusDetails?: unknown[];
}

/**
 * The delay of a google.rpc.RetryInfo detail: decoded (`{ seconds, nanos }`) or
 * as REST JSON sends it (`"30s"`).
 */
function retryDelayMs(details: unknown[] | undefined): number | undefined {
  for (const detail of details ?? []) {
    if (typeof detail !== 'object' || detail === null || !('retryDelay' in detail)) continue;
    const delay = (detail as { retryDelay?: unknown }).retryDelay;
    const seconds =
      typeof delay === 'string'
        ? Number.parseFloat(delay)
        : typeof delay === 'object' && delay !== null
          ? Number((delay as { seconds?: unknown }).seconds ?? 0) +
            Number((delay as { nanos?: unknown }).nanos ?? 0) / 1e9
          : Number.NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  }
  return undefined;
}

interface RestErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: unknown[] };
}

/** The google.rpc.Status JSON of a REST error response, wherever the HTTP client left it. */
function restErrorBody(error: { message?: string; response?: { data?: unknown } }): RestErrorBody['error'] {
  for (const candidate of [error.response?.data, error.message]) {
    try {
      const parsed = (typeof candidate === 'string' ? JSON.parse(candidate) : candidate) as RestErrorBody;
      if (parsed && typeof parsed === 'object' && parsed.error) return parsed.error;
    } catch {
      // not JSON; try the next place
    }
  }
  return undefined;
}

/**
 * A google.rpc.Status (from a failed call, or the `error` of one image in a 200
 * response) as one of our errors: RESOURCE_EXHAUSTED, UNAVAILABLE and other
 * transient codes → RetryableError (with RetryInfo's delay when sent);
 * INVALID_ARGUMENT → ValidationError (`corrupt_file` for unreadable images);
 * PERMISSION_DENIED / UNAUTHENTICATED → ConfigError; the rest permanent.
 *
 * @example
 * if (response.error?.code) throw visionStatusError(response.error.code, response.error.message);
 */
export function visionStatusError(code: number, message = '', cause?: unknown, details?: unknown[]): Error {
  const text = `Google Vision: ${message || `status ${code}`}`;
  if (RETRYABLE.has(code)) {
    const after = retryDelayMs(details);
    return new RetryableError(text, {
      code: code === Code.RESOURCE_EXHAUSTED ? 'ocr_throttled' : 'ocr_unavailable',
      cause,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
  }
  if (code === Code.INVALID_ARGUMENT) {
    const unreadable =
      /bad image data|image processing error|unable to process|corrupt|invalid (image|pdf)/i.test(message);
    return new ValidationError(text, { code: unreadable ? 'corrupt_file' : 'ocr_invalid_request', cause });
  }
  if (code === Code.PERMISSION_DENIED || code === Code.UNAUTHENTICATED) {
    return new ConfigError(text, { code: 'ocr_access_denied', cause });
  }
  return new PermanentError(text, { code: 'ocr_rejected', cause });
}

/**
 * Any error thrown by the Vision client (GoogleError, network failure, cancel) as
 * one of ours; see {@link visionStatusError}.
 *
 * @example
 * await client.batchAnnotateImages(request).catch((error) => { throw visionError(error, signal); });
 */
export function visionError(error: unknown, signal?: AbortSignal): Error {
  if (signal?.aborted) return new AbortedError('Google Vision call aborted', { cause: error });
  if (typeof error !== 'object' || error === null)
    return new RetryableError(String(error), { code: 'ocr_unavailable' });
  const shape = error as GoogleErrorShape & { response?: { data?: unknown } };
  // The REST transport (gaxios 7) can surface an HTTP status as `code` with the
  // google.rpc.Status body as the message, instead of a parsed GoogleError.
  if (typeof shape.code === 'number' && shape.code >= 100) {
    const body = restErrorBody(shape);
    const code = (body?.status && CODE_BY_NAME[body.status]) || codeFromHttp(shape.code);
    return visionStatusError(code, body?.message ?? `HTTP ${shape.code}`, error, body?.details);
  }
  if (typeof shape.code === 'number') {
    if (shape.code === Code.CANCELLED)
      return new RetryableError('Google Vision call cancelled', { code: 'ocr_unavailable', cause: error });
    return visionStatusError(shape.code, shape.message, error, shape.statusDetails);
  }
  if (typeof shape.code === 'string' && NETWORK_CODES.has(shape.code)) {
    return new RetryableError(`Google Vision unreachable: ${shape.code}`, {
      code: 'ocr_unavailable',
      cause: error,
    });
  }
  if (/fetch failed|socket hang up|network/i.test(shape.message ?? '')) {
    return new RetryableError('Google Vision unreachable', { code: 'ocr_unavailable', cause: error });
  }
  return error as Error;
}
