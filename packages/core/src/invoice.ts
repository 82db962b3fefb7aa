import { z } from 'zod';

const isoDate = z.iso.date();
const money = z.number().finite();

export const lineItemSchema = z.object({
  description: z.string().max(1000),
  quantity: z.number().finite().optional(),
  unitPrice: money.optional(),
  amount: money.optional(),
});

/**
 * The tax charged at one rate: invoices with several rates (19 % and 7 %, 20 % and 5.5 %) print
 * one line per rate, and the amounts add up to the tax total.
 *
 * @example
 * taxLineSchema.parse({ rate: 19, base: 198, amount: 37.62 })
 */
export const taxLineSchema = z.object({
  /** Percent, e.g. 19 for 19 %. */
  rate: z.number().finite().min(0).max(100),
  /** The net amount the rate applies to, when printed. */
  base: money.optional(),
  amount: money,
});
export type TaxLine = z.infer<typeof taxLineSchema>;

export const INVOICE_FIELD_NAMES = [
  'vendorName',
  'vendorTaxId',
  'invoiceNumber',
  'invoiceDate',
  'dueDate',
  'currency',
  'subtotal',
  'tax',
  'total',
  'iban',
] as const;
export type InvoiceFieldName = (typeof INVOICE_FIELD_NAMES)[number];

/** What extraction produces for an invoice, whichever provider ran. Dates ISO, currency ISO 4217. */
export const invoiceFieldsSchema = z.object({
  vendorName: z.string().max(300).optional(),
  vendorTaxId: z.string().max(64).optional(),
  invoiceNumber: z.string().max(128).optional(),
  invoiceDate: isoDate.optional(),
  dueDate: isoDate.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  subtotal: money.optional(),
  tax: money.optional(),
  total: money.optional(),
  iban: z.string().max(42).optional(),
  lineItems: z.array(lineItemSchema).max(500).default([]),
  /** The tax per rate, in the order printed; empty when the document shows no breakdown. */
  taxes: z.array(taxLineSchema).max(50).default([]),
  /** 0-1 per field that was found. */
  confidence: z.partialRecord(z.enum(INVOICE_FIELD_NAMES), z.number().min(0).max(1)).default({}),
  /** Which extractor produced these fields (`rules`, `openai:<model>`, `textract`). */
  provider: z.string(),
});
export type InvoiceFields = z.infer<typeof invoiceFieldsSchema>;

export const INVOICE_STATUSES = ['pending', 'processing', 'processed', 'error'] as const;
export const invoiceStatusSchema = z.enum(INVOICE_STATUSES);
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

/** The LLM summary of a document (Plan 04's shape). */
export const documentSummarySchema = z.object({
  summary: z.string(),
  enhanced_metadata: z.object({
    title: z.string(),
    key_entities: z.array(z.string()),
    topics: z.array(z.string()),
    language: z.string(),
  }),
  token_count: z.number().int().min(0),
  provider: z.string(),
});
export type DocumentSummary = z.infer<typeof documentSummarySchema>;
