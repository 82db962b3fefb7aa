import { type ExtractionInput, type Extractor, type InvoiceFields, ValidationError } from '@paperlane/core';
import type OpenAI from 'openai';
import { z } from 'zod';
import { extractionPrompt } from './extraction-prompt';
import { invoiceOutputSchema, toInvoiceFields } from './invoice-output';
import { type LlmUsage, structuredCompletion } from './structured-completion';

/**
 * What the extractor reads of its input. The text may be long (it is cut to the token budget),
 * but not unbounded; page positions are bounded too; provider fields are hints, so only their
 * scalar values are kept.
 */
const ocrLineSchema = z.object({
  text: z.string().max(10_000),
  x: z.number().finite(),
  y: z.number().finite(),
  width: z.number().finite(),
  height: z.number().finite(),
});
const extractionInputSchema = z.object({
  text: z.string().max(20_000_000),
  // Pages only matter for their positioned lines; without any the flat text is sent.
  pages: z
    .array(
      z.object({
        pageNumber: z.number().int().min(0).max(100_000),
        text: z.string().max(20_000_000),
        lines: z.array(ocrLineSchema).max(10_000).optional(),
      }),
    )
    .max(10_000)
    .optional(),
  providerFields: z
    .record(z.string(), z.unknown())
    .transform((fields) =>
      Object.fromEntries(
        Object.entries(fields).filter(([, value]) => typeof value === 'string' || typeof value === 'number'),
      ),
    )
    .optional(),
});

export interface OpenAiExtractorOptions {
  client: OpenAI;
  /** Any model with structured outputs, e.g. `gpt-4o-mini`. */
  model: string;
  /** Document tokens sent at most (approximate); the rest is cut. Default 12 000. */
  maxInputTokens?: number;
  /** Default 4 000: room for ~100 line items. */
  maxOutputTokens?: number;
  /** Sent only when set: several reasoning models reject any temperature but the default. */
  temperature?: number;
  /** Called after every successful extraction, e.g. to meter spend. */
  onUsage?: (usage: LlmUsage) => void;
}

export interface ExtractionWithUsage {
  fields: InvoiceFields;
  usage: LlmUsage;
  /** True when the document was cut to `maxInputTokens`. */
  truncated: boolean;
  /** True when the pages were sent with positions, false when as flat text. */
  layout: boolean;
}

/** An Extractor that also reports what each call cost (InvoiceFields has no place for it). */
export interface OpenAiExtractor extends Extractor {
  extractWithUsage(input: ExtractionInput): Promise<ExtractionWithUsage>;
}

/**
 * Invoice fields from an OpenAI (or compatible) chat model with structured outputs. Refusals
 * and malformed output are PermanentError (`llm_*` codes), throttling and outages
 * RetryableError, bad credentials ConfigError; the abort signal cancels the HTTP request.
 *
 * @example
 * const extractor = createOpenAiExtractor({ client: createOpenAiClient({ apiKey }), model: 'gpt-4o-mini' });
 * const { fields, usage } = await extractor.extractWithUsage({ text: ocr.text, signal });
 */
export function createOpenAiExtractor(options: OpenAiExtractorOptions): OpenAiExtractor {
  const provider = `openai:${options.model}`;
  const maxInputTokens = options.maxInputTokens ?? 12_000;

  async function extractWithUsage(input: ExtractionInput): Promise<ExtractionWithUsage> {
    const checked = extractionInputSchema.safeParse(input);
    if (!checked.success) {
      throw new ValidationError('invalid extraction input', {
        code: 'invalid_extraction_input',
        issues: checked.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      });
    }
    const { messages, truncated, layout } = extractionPrompt(checked.data, maxInputTokens);
    const { data, usage } = await structuredCompletion({
      client: options.client,
      model: options.model,
      messages,
      schema: invoiceOutputSchema,
      schemaName: 'invoice_fields',
      maxOutputTokens: options.maxOutputTokens ?? 4_000,
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    options.onUsage?.(usage);
    input.onUsage?.(usage);
    return { fields: toInvoiceFields(data, provider), usage, truncated, layout };
  }

  return {
    name: provider,
    extractWithUsage,
    extract: async (input) => (await extractWithUsage(input)).fields,
  };
}
