import type { InvoiceFieldName, InvoiceFields } from '@paperlane/core';

type ProviderFields = Partial<InvoiceFields>;

/**
 * Combines fields found on separate pages: for each field the value with the
 * highest confidence wins (the first page on ties); line items are concatenated.
 *
 * @example
 * mergeFields([page1.fields, page2.fields]) // total from whichever page was surer
 */
export function mergeFields(parts: readonly (ProviderFields | undefined)[]): ProviderFields | undefined {
  const present = parts.filter((part): part is ProviderFields => part !== undefined);
  if (present.length <= 1) return present[0];
  const values: Record<string, unknown> = {};
  const scores: Partial<Record<InvoiceFieldName, number>> = {};
  const confidence: Partial<Record<InvoiceFieldName, number>> = {};
  const lineItems: NonNullable<ProviderFields['lineItems']> = [];
  for (const part of present) {
    for (const [key, value] of Object.entries(part)) {
      if (value === undefined || key === 'provider' || key === 'lineItems' || key === 'confidence') continue;
      const name = key as InvoiceFieldName;
      const score = part.confidence?.[name];
      if (values[name] === undefined || (score ?? 0) > (scores[name] ?? 0)) {
        values[name] = value;
        scores[name] = score ?? 0;
        if (score === undefined) delete confidence[name];
        else confidence[name] = score;
      }
    }
    lineItems.push(...(part.lineItems ?? []));
  }
  return { ...values, provider: present[0]?.provider ?? 'unknown', lineItems, confidence } as ProviderFields;
}
