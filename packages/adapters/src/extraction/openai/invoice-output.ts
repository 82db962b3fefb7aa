import {
  INVOICE_FIELD_NAMES,
  type InvoiceFieldName,
  type InvoiceFields,
  invoiceFieldsSchema,
  lineItemSchema,
  type TaxLine,
  taxLineSchema,
} from '@paperlane/core';
import { z } from 'zod';

/**
 * What the model is asked to return. Structured outputs' strict mode requires every key and
 * `null` for "absent", and supports only a subset of JSON Schema (no `maxLength`), so this is
 * the shape of `invoiceFieldsSchema` with nullable leaves and no length limits; the limits and
 * formats are applied per field in `toInvoiceFields`, where a bad value drops that field alone.
 */
const text = (description: string) => z.string().nullable().describe(description);
const amount = (description: string) => z.number().nullable().describe(description);

export const invoiceOutputSchema = z.object({
  vendorName: text('Legal name of the seller issuing the invoice'),
  vendorTaxId: text('Seller VAT / tax id exactly as printed'),
  invoiceNumber: text('Invoice number exactly as printed'),
  invoiceDate: text('Issue date as YYYY-MM-DD'),
  dueDate: text('Payment due date as YYYY-MM-DD'),
  currency: text('ISO 4217 code, e.g. EUR, USD'),
  subtotal: amount('Net amount before tax'),
  tax: amount('Total tax amount'),
  total: amount('Gross amount payable'),
  iban: text('Seller IBAN without spaces'),
  lineItems: z
    .array(
      z.object({
        description: z.string(),
        quantity: z.number().nullable(),
        unitPrice: z.number().nullable(),
        amount: z.number().nullable(),
      }),
    )
    .describe('Invoice lines in document order; empty when there are none'),
  taxes: z
    .array(
      z.object({
        rate: z.number().describe('Tax rate in percent, e.g. 19 for 19 %'),
        base: z.number().nullable().describe('Net amount taxed at this rate, when printed'),
        amount: z.number().describe('Tax charged at this rate'),
      }),
    )
    .describe('Tax breakdown, one entry per rate as printed (VAT/MwSt/TVA/IVA/GST); empty when none'),
  confidence: z
    .object(
      Object.fromEntries(INVOICE_FIELD_NAMES.map((name) => [name, z.number().nullable()])) as Record<
        InvoiceFieldName,
        z.ZodNullable<z.ZodNumber>
      >,
    )
    .describe('0 to 1 per field: how sure you are of each value you returned; null for absent fields'),
});
export type InvoiceOutput = z.infer<typeof invoiceOutputSchema>;

const MAX_LINE_ITEMS = 500;
const MAX_TAX_RATES = 50;

function normalize(name: InvoiceFieldName, value: string | number): string | number {
  if (typeof value === 'number') return value;
  const trimmed = value.trim();
  if (name === 'currency') return trimmed.toUpperCase();
  if (name === 'iban') return trimmed.replace(/\s+/g, '').toUpperCase();
  return trimmed;
}

/**
 * Model output → `InvoiceFields`. Each field is checked against the core schema on its own
 * (ISO date, ISO 4217 code, length limits, finite numbers); a field that fails is left out
 * with its confidence, because one malformed date should not cost the vendor and total; a
 * line item or tax line that fails is left out alone.
 *
 * @example
 * toInvoiceFields(output, 'openai:gpt-4o-mini')
 */
export function toInvoiceFields(output: InvoiceOutput, provider: string): InvoiceFields {
  const fields: Record<string, unknown> = {};
  const confidence: Partial<Record<InvoiceFieldName, number>> = {};
  const shape = invoiceFieldsSchema.shape;
  for (const name of INVOICE_FIELD_NAMES) {
    const raw = output[name];
    if (raw === null || raw === '') continue;
    const checked = shape[name].safeParse(normalize(name, raw));
    if (!checked.success || checked.data === undefined) continue;
    fields[name] = checked.data;
    const score = output.confidence[name];
    if (score !== null && score >= 0 && score <= 1) confidence[name] = score;
  }
  const lineItems = output.lineItems.slice(0, MAX_LINE_ITEMS).flatMap((item) => {
    const candidate = {
      description: item.description.trim().slice(0, 1000),
      ...(item.quantity !== null ? { quantity: item.quantity } : {}),
      ...(item.unitPrice !== null ? { unitPrice: item.unitPrice } : {}),
      ...(item.amount !== null ? { amount: item.amount } : {}),
    };
    const checked = lineItemSchema.safeParse(candidate);
    return checked.success && checked.data.description ? [checked.data] : [];
  });
  const taxes = output.taxes.flatMap((line): TaxLine[] => {
    const checked = taxLineSchema.safeParse({
      rate: line.rate,
      amount: line.amount,
      ...(line.base !== null ? { base: line.base } : {}),
    });
    return checked.success ? [checked.data] : [];
  });
  return invoiceFieldsSchema.parse({
    ...fields,
    lineItems,
    taxes: taxes.slice(0, MAX_TAX_RATES),
    confidence,
    provider,
  });
}
