import {
  INVOICE_FIELD_NAMES,
  type InvoiceFields,
  invoiceFieldsSchema,
  lineItemSchema,
} from '@paperlane/core';
import { z } from 'zod';
import type { RulesFields } from './extract-invoice';

/**
 * Provider fields as they arrive: each field is checked on its own, so one malformed value (a
 * date not in ISO form, a currency in lower case) is dropped without losing the rest.
 */
export function validProviderFields(input: unknown): Partial<InvoiceFields> {
  if (typeof input !== 'object' || input === null) return {};
  const record = input as Record<string, unknown>;
  const shape = invoiceFieldsSchema.shape;
  const result: Record<string, unknown> = {};
  for (const name of INVOICE_FIELD_NAMES) {
    const parsed = shape[name].safeParse(record[name]);
    if (parsed.success && parsed.data !== undefined) result[name] = parsed.data;
  }
  const items = z.array(lineItemSchema).max(500).safeParse(record.lineItems);
  if (items.success) result.lineItems = items.data;
  const confidence = shape.confidence.safeParse(record.confidence);
  if (confidence.success) result.confidence = confidence.data;
  const provider = z.string().max(64).safeParse(record.provider);
  if (provider.success) result.provider = provider.data;
  return result as Partial<InvoiceFields>;
}

function itemsAddUp(items: InvoiceFields['lineItems'], target: number | undefined): boolean {
  if (items.length === 0 || target === undefined) return false;
  const sum = items.reduce((total, item) => total + (item.amount ?? 0), 0);
  return Math.abs(sum - target) <= 0.01 * items.length + 0.01;
}

/**
 * Merges what the OCR provider extracted itself (Textract AnalyzeExpense) with the rules' fields:
 * for each field the provider wins when it is confident (`trustAbove`), when the rules found
 * nothing, or when it is surer than the rules. Provider fields without a confidence count as
 * `defaultConfidence`. Line items: the provider's when the rules found none, or when only the
 * provider's add up to the subtotal.
 *
 * @example
 * mergeProviderFields(rules, { total: 12, confidence: { total: 0.99 } }, 0.8, 0.7).total // 12
 */
export function mergeProviderFields(
  rules: RulesFields,
  provider: Partial<InvoiceFields>,
  trustAbove: number,
  defaultConfidence: number,
): { fields: RulesFields; usedProvider: boolean } {
  const merged: RulesFields = { ...rules, confidence: { ...rules.confidence } };
  const target = merged as Record<string, unknown>;
  const source = provider as Record<string, unknown>;
  let usedProvider = false;
  for (const name of INVOICE_FIELD_NAMES) {
    const value = source[name];
    if (value === undefined) continue;
    const providerConfidence = provider.confidence?.[name] ?? defaultConfidence;
    const rulesConfidence = rules.confidence[name];
    const rulesValue = target[name];
    if (
      rulesValue === undefined ||
      providerConfidence >= trustAbove ||
      providerConfidence > (rulesConfidence ?? 0)
    ) {
      target[name] = value;
      merged.confidence[name] = providerConfidence;
      usedProvider = true;
    }
  }
  const providerItems = provider.lineItems ?? [];
  if (providerItems.length > 0) {
    const subtotal = merged.subtotal ?? merged.total;
    const rulesAddUp = itemsAddUp(rules.lineItems, subtotal);
    if (rules.lineItems.length === 0 || (!rulesAddUp && itemsAddUp(providerItems, subtotal))) {
      merged.lineItems = providerItems;
      usedProvider = true;
    }
  }
  return { fields: merged, usedProvider };
}
