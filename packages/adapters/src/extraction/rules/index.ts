import {
  type ExtractionInput,
  type Extractor,
  type InvoiceFields,
  invoiceFieldsSchema,
  ValidationError,
} from '@paperlane/core';
import { z } from 'zod';
import { extractInvoiceByRules } from './extract-invoice';
import { mergeProviderFields, validProviderFields } from './merge-provider-fields';

export { extractInvoiceByRules, type RulesFields } from './extract-invoice';

export const rulesExtractorOptionsSchema = z
  .object({
    /** Provider fields at or above this confidence replace the rules' values. */
    trustProviderAbove: z.number().min(0).max(1).default(0.8),
    /** Confidence assumed for provider fields that carry none. */
    providerDefaultConfidence: z.number().min(0).max(1).default(0.7),
    /** Longer text is refused: no invoice is this long, and every scan is linear in it. */
    maxTextLength: z.number().int().positive().max(20_000_000).default(5_000_000),
  })
  .strict();
export type RulesExtractorOptions = z.input<typeof rulesExtractorOptionsSchema>;

const pageSchema = z.object({
  pageNumber: z.number().int().min(0).max(100_000),
  text: z.string(),
  confidence: z.number().min(0).max(1).optional(),
});

function inputSchema(maxTextLength: number) {
  return z.object({
    text: z.string().max(maxTextLength),
    pages: z.array(pageSchema).max(10_000).optional(),
    // Checked field by field later, so one bad provider value does not sink the document.
    providerFields: z.record(z.string(), z.unknown()).optional(),
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/**
 * The offline, template-free invoice extractor: multilingual label vocabulary (EN/DE/FR/NL/ES/IT),
 * layout columns, date/number/currency formats, VAT ids and IBANs (mod-97), totals that must add
 * up, and line-item tables. Fields the OCR provider found (`providerFields`) are merged in, the
 * provider winning when it is confident.
 *
 * @example
 * const extractor = createRulesExtractor();
 * const fields = await extractor.extract({ text: ocr.text, pages: ocr.pages, providerFields: ocr.fields });
 * fields.total; // 2763.66
 */
export function createRulesExtractor(options: RulesExtractorOptions = {}): Extractor {
  const parsedOptions = rulesExtractorOptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new ValidationError('invalid rules extractor options', {
      code: 'invalid_extractor_options',
      issues: parsedOptions.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  const config = parsedOptions.data;
  const schema = inputSchema(config.maxTextLength);
  return {
    name: 'rules',
    async extract(input: ExtractionInput): Promise<InvoiceFields> {
      throwIfAborted(input?.signal);
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        throw new ValidationError('invalid extraction input', {
          code: 'invalid_extraction_input',
          issues: parsed.error.issues
            .slice(0, 10)
            .map((issue) => `${issue.path.join('.')}: ${issue.message}`),
        });
      }
      const { text, pages, providerFields } = parsed.data;
      const pagesText = (pages ?? []).reduce((sum, page) => sum + page.text.length, 0);
      if (pagesText > config.maxTextLength) {
        throw new ValidationError('page text too long', { code: 'invalid_extraction_input' });
      }
      const rules = extractInvoiceByRules(text, pages);
      throwIfAborted(input.signal);
      let fields = rules;
      let provider = 'rules';
      if (providerFields) {
        const valid = validProviderFields(providerFields);
        const merged = mergeProviderFields(
          rules,
          valid,
          config.trustProviderAbove,
          config.providerDefaultConfidence,
        );
        fields = merged.fields;
        if (merged.usedProvider) provider = `rules+${valid.provider ?? 'provider'}`;
      }
      return invoiceFieldsSchema.parse({ ...fields, provider });
    },
  };
}
