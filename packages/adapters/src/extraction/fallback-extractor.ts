import type { ExtractionInput, Extractor, InvoiceFields } from '@paperlane/core';
import { checkAmounts } from './amount-check';

/** Why the fallback ran: the provider failed, or its amounts did not add up. */
export interface ExtractionFallback {
  reason: 'provider_failed' | 'amounts_inconsistent';
  /** The provider error's code (`llm_timeout`, `openai_unavailable`...), when it had one. */
  code?: string;
}

export interface FallbackExtractorOptions {
  /** The extractor tried first (OpenAI). */
  primary: Extractor;
  /** The one that cannot fail for lack of a network: the rules. */
  fallback: Extractor;
  /** Told each time the fallback is used, e.g. to log or count it. Never given document text. */
  onFallback?: (event: ExtractionFallback) => void;
}

const AMOUNT_FIELDS = ['subtotal', 'tax', 'total'] as const;
// A model's amounts that do not add up, with no better ones to take, are kept but not trusted.
const DOUBTFUL = 0.4;

const errorCode = (error: unknown) =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;

/**
 * An extractor that answers even when its provider does not: a failed provider call (outage,
 * timeout, throttling, refusal, malformed output, bad credentials) gives the fallback's fields
 * instead of failing the job; a cancelled call still throws. A provider answer whose subtotal,
 * tax, total, line sums and tax breakdown disagree takes the fallback's amounts (and breakdown)
 * when those add up, and
 * otherwise keeps its own with low confidence.
 *
 * @example
 * const extractor = createFallbackExtractor({ primary: createOpenAiExtractor(...), fallback: createRulesExtractor() });
 * const fields = await extractor.extract({ text }); // provider 'rules' when OpenAI was down
 */
export function createFallbackExtractor(options: FallbackExtractorOptions): Extractor {
  const { primary, fallback, onFallback } = options;

  async function extract(input: ExtractionInput): Promise<InvoiceFields> {
    let answer: InvoiceFields;
    try {
      answer = await primary.extract(input);
    } catch (error) {
      if (input.signal?.aborted) throw error;
      const code = errorCode(error);
      onFallback?.({ reason: 'provider_failed', ...(code ? { code } : {}) });
      return fallback.extract(input);
    }
    if (checkAmounts(answer) !== 'inconsistent') return answer;
    onFallback?.({ reason: 'amounts_inconsistent' });
    const rules = await fallback.extract(input);
    const confidence = { ...answer.confidence };
    const merged: InvoiceFields = { ...answer, confidence };
    if (checkAmounts(rules) === 'consistent') {
      for (const field of AMOUNT_FIELDS) {
        const value = rules[field];
        if (value === undefined) delete merged[field];
        else merged[field] = value;
        const sure = rules.confidence[field];
        if (sure === undefined) delete confidence[field];
        else confidence[field] = sure;
      }
      // The breakdown must agree with the tax it now sits beside.
      merged.taxes = rules.taxes;
      return merged;
    }
    for (const field of AMOUNT_FIELDS) {
      if (merged[field] !== undefined) confidence[field] = Math.min(confidence[field] ?? DOUBTFUL, DOUBTFUL);
    }
    return merged;
  }

  return { name: primary.name, extract };
}
