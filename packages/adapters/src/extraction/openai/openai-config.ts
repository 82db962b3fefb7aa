import { ConfigError } from '@paperlane/core';
import { z } from 'zod';

/** Environment-style configuration: `process.env` or a plain object of strings. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

/** Empty or whitespace-only strings count as unset (`OPENAI_API_KEY=` in a .env file). */
export function blankAsUnset<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema,
  );
}

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
