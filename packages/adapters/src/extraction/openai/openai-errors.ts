import { AbortedError, ConfigError, PaperlaneError, PermanentError, RetryableError } from '@paperlane/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** Longest wait a server may ask for; a hostile or broken header must not park a job for days. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** Keys some servers echo back in error messages (OpenAI masks them, but only partly). */
const KEY_PATTERN = /\b(sk|rk|pk)-[A-Za-z0-9_*-]{4,}/g;

/** Replaces anything shaped like an API key, so error messages are safe to log. */
export function redactKeys(text: string): string {
  return text.replace(KEY_PATTERN, '$1-***');
}

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The wait a 429/503 asks for: `retry-after-ms` (OpenAI's own), else `Retry-After` in
 * seconds or as an HTTP date. Clamped to [0, 1 h]; undefined when absent or unreadable.
 *
 * @example
 * retryAfterMs(new Headers({ 'retry-after': '2' }), Date.now()) // 2000
 */
export function retryAfterMs(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const clamp = (ms: number) => Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
  const millis = headers.get('retry-after-ms');
  if (millis !== null && /^\d+(\.\d+)?$/.test(millis.trim())) return clamp(Number(millis));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return clamp(Number(value) * 1000);
  if (!/[a-z]/i.test(value)) return undefined; // not seconds, and too bare for an HTTP date
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}

function apiMessage(error: APIError): string {
  return redactKeys(error.message).slice(0, 500);
}

/**
 * Maps an `openai` SDK failure to Paperlane's taxonomy: rate limits, 5xx, timeouts and
 * network failures are RetryableError (429 carries `retryAfterMs`); bad credentials, missing
 * models and exhausted quota are ConfigError; other 4xx are PermanentError. Messages never
 * carry the API key, and auth failures drop the cause (its message may echo a masked key).
 *
 * @example
 * await client.chat.completions.create(body, { signal }).catch((error) => { throw openAiError(error, signal); });
 */
export function openAiError(error: unknown, signal?: AbortSignal): Error {
  if (error instanceof PaperlaneError) return error;
  if (signal?.aborted || error instanceof APIUserAbortError) {
    return new AbortedError('OpenAI call aborted', { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new RetryableError('OpenAI request timed out', { code: 'llm_timeout', cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new RetryableError('OpenAI unreachable', { code: 'llm_unavailable', cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    if (status === 401 || status === 403) {
      return new ConfigError(`OpenAI rejected the credentials (HTTP ${status})`, { code: 'llm_auth_failed' });
    }
    if (status === 429 && error.code === 'insufficient_quota') {
      // Billing, not throughput: retrying inside the job's attempts cannot fix it.
      return new ConfigError('OpenAI quota exhausted', { code: 'llm_quota_exhausted', cause: error });
    }
    if (status === 429) {
      const after = retryAfterMs(error.headers);
      return new RetryableError(`OpenAI rate limited: ${apiMessage(error)}`, {
        code: 'llm_rate_limited',
        cause: error,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      });
    }
    if (status === 408 || status === 409 || status >= 500) {
      const after = retryAfterMs(error.headers);
      return new RetryableError(`OpenAI unavailable: ${apiMessage(error)}`, {
        code: 'llm_unavailable',
        cause: error,
        ...(after !== undefined ? { retryAfterMs: after } : {}),
      });
    }
    if (status === 404) {
      return new ConfigError(`OpenAI model or route not found: ${apiMessage(error)}`, {
        code: 'llm_model_not_found',
        cause: error,
      });
    }
    const code = error.code === 'context_length_exceeded' ? 'llm_input_too_large' : 'llm_bad_request';
    return new PermanentError(`OpenAI rejected the request: ${apiMessage(error)}`, { code, cause: error });
  }
  if (error instanceof SyntaxError) {
    // A 200 whose JSON body broke off mid-transfer: the next attempt will likely get a whole one.
    return new RetryableError('OpenAI response was not valid JSON', {
      code: 'llm_malformed_response',
      cause: error,
    });
  }
  return error instanceof Error ? error : new RetryableError(String(error), { code: 'llm_unavailable' });
}
