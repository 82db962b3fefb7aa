import OpenAI from 'openai';

export interface OpenAiClientOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (`…/v1`); the SDK's default (api.openai.com) when unset. */
  baseUrl?: string;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  /**
   * SDK-level retries. Default 0: the job runtime owns retries (backoff, attempt counting,
   * the lease), and retries hidden inside one attempt would hold the lease and skew both.
   */
  maxRetries?: number;
}

/**
 * An OpenAI client configured the way Paperlane's adapters expect (no hidden retries).
 *
 * @example
 * const client = createOpenAiClient({ apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, timeoutMs: 60_000 });
 */
export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: options.timeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 0,
  });
}
