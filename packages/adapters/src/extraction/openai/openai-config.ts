import { ConfigError } from '@paperlane/core';
import type OpenAI from 'openai';
import { z } from 'zod';
import { lazyLoad } from '../../lazy-load';

/** Environment-style configuration: `process.env` or a plain object of strings. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

/** Empty or whitespace-only strings count as unset (`OPENAI_API_KEY=` in a .env file). */
export function blankAsUnset<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema,
  );
}

/** A provider name as written (`OpenAI`, ` rules `) compared lower-cased and trimmed. */
export const lowerCase = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';

/** The OPENAI_* settings both the extractor and the summarizer factories read. */
export const openAiEnvShape = {
  OPENAI_API_KEY: blankAsUnset(z.string().trim().min(1).optional()),
  OPENAI_MODEL: blankAsUnset(z.string().trim().min(1).max(200).default(DEFAULT_OPENAI_MODEL)),
  /** Any OpenAI-compatible server (Azure OpenAI, vLLM, Ollama, LiteLLM...), ending in `/v1`. */
  OPENAI_BASE_URL: blankAsUnset(z.url({ protocol: /^https?$/ }).optional()),
  OPENAI_TIMEOUT_MS: blankAsUnset(z.coerce.number().int().min(1_000).max(600_000).default(60_000)),
};

/**
 * Parses with `schema`, throwing ConfigError that names the bad keys and never their values
 * (one of them is an API key).
 *
 * @example
 * const config = parseEnvConfig(extractorConfigSchema, process.env, 'extractor');
 */
export function parseEnvConfig<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const keys = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new ConfigError(`invalid ${what} configuration: ${[...new Set(keys)].join(', ')}`, {
      code: 'invalid_config',
    });
  }
  return parsed.data;
}

type OpenAiSettings = z.output<z.ZodObject<typeof openAiEnvShape>>;

/**
 * The provider to use: the configured one, else `openai` when a key is set, else the offline
 * `fallback`. `variable` names the setting in the error for `openai` without a key.
 *
 * @example
 * chooseProvider(config.EXTRACTOR, config, 'rules', 'EXTRACTOR') // 'rules' without a key
 */
export function chooseProvider<Name extends string>(
  chosen: Name | 'openai' | undefined,
  config: OpenAiSettings,
  fallback: Name,
  variable: string,
): Name | 'openai' {
  const name = chosen ?? (config.OPENAI_API_KEY ? 'openai' : fallback);
  if (name === 'openai' && !config.OPENAI_API_KEY) {
    throw new ConfigError(`${variable}=openai needs OPENAI_API_KEY`, { code: 'missing_openai_api_key' });
  }
  return name;
}

/**
 * An OpenAI-backed service loaded on first use: the SDK and the service's module (with its
 * zod-to-JSON-schema helpers) stay out of init. `client` replaces the one built from `config`
 * (tests, or one client shared by the extractor and the summarizer).
 *
 * @example
 * const load = lazyOpenAiService(config, deps.openAiClient, async () => {
 *   const { createLlmSummarizer } = await import('./llm-summarizer');
 *   return (client) => createLlmSummarizer({ client, model: config.OPENAI_MODEL });
 * });
 * const summarizer = await load();
 */
export function lazyOpenAiService<Service>(
  config: OpenAiSettings,
  client: OpenAI | undefined,
  loadFactory: () => Promise<(client: OpenAI) => Service>,
): () => Promise<Service> {
  return lazyLoad(async () => {
    const [{ createOpenAiClient }, build] = await Promise.all([import('./openai-client'), loadFactory()]);
    return build(
      client ??
        createOpenAiClient({
          apiKey: config.OPENAI_API_KEY!,
          ...(config.OPENAI_BASE_URL ? { baseUrl: config.OPENAI_BASE_URL } : {}),
          timeoutMs: config.OPENAI_TIMEOUT_MS,
        }),
    );
  });
}
