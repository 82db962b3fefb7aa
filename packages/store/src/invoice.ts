import { idSchema, invoiceFieldsSchema, invoiceStatusSchema } from '@paperlane/core';
import { z } from 'zod';

export const INVOICE_SOURCES = ['upload', 'email', 'api'] as const;

/** An invoice being read from a document: its state, and the fields once extracted. */
export const invoiceRecordSchema = z.object({
  tenantId: idSchema,
  invoiceId: idSchema,
  documentId: idSchema,
  status: invoiceStatusSchema,
  source: z.enum(INVOICE_SOURCES),
  /** Where it came from, for idempotent ingestion (e.g. Message-ID + attachment hash). */
  sourceRef: z.string().max(1024).optional(),
  fields: invoiceFieldsSchema.optional(),
  ocrProvider: z.string().max(64).optional(),
  extractor: z.string().max(128).optional(),
  pageCount: z.number().int().min(0).optional(),
  /** Blob key of the full OCR text (it can exceed an item's size). */
  textKey: z.string().max(1024).optional(),
  usage: z
    .object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) })
    .optional(),
  /** The earlier document of the same tenant and bytes whose OCR text and fields this invoice took. */
  reusedFrom: z.object({ documentId: idSchema, invoiceId: idSchema }).optional(),
  error: z.string().max(4000).optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  processedAt: z.iso.datetime().optional(),
});
export type InvoiceRecord = z.infer<typeof invoiceRecordSchema>;

export const newInvoiceSchema = invoiceRecordSchema
  .pick({ tenantId: true, invoiceId: true, documentId: true, source: true, sourceRef: true })
  .extend({ now: z.date() });
export type NewInvoice = z.input<typeof newInvoiceSchema>;

/** Fields `update` may change; `null` removes an optional field. */
export const invoicePatchSchema = z.object({
  status: invoiceStatusSchema.optional(),
  fields: invoiceFieldsSchema.nullable().optional(),
  ocrProvider: z.string().max(64).nullable().optional(),
  extractor: z.string().max(128).nullable().optional(),
  pageCount: z.number().int().min(0).nullable().optional(),
  textKey: z.string().max(1024).nullable().optional(),
  usage: invoiceRecordSchema.shape.usage.unwrap().nullable().optional(),
  reusedFrom: invoiceRecordSchema.shape.reusedFrom.unwrap().nullable().optional(),
  error: z.string().max(4000).nullable().optional(),
  processedAt: z.iso.datetime().nullable().optional(),
});
export type InvoicePatch = z.infer<typeof invoicePatchSchema>;
