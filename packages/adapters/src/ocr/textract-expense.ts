import type { ExpenseDocument, ExpenseField } from '@aws-sdk/client-textract';
import {
  type InvoiceFieldName,
  type InvoiceFields,
  invoiceFieldsSchema,
  type OcrLine,
  type OcrPage,
} from '@paperlane/core';
import { currencyFromText, parseAmount, parseDate } from './normalize-values';
import { MAX_LAYOUT_LINES } from './text-layout';

type LineItem = InvoiceFields['lineItems'][number];

/** Textract's expense taxonomy → our invoice fields, best source first. */
const SUMMARY_TYPES: Record<Exclude<InvoiceFieldName, 'currency' | 'iban'>, readonly string[]> = {
  vendorName: ['VENDOR_NAME'],
  vendorTaxId: [
    'TAX_PAYER_ID',
    'VENDOR_VAT_NUMBER',
    'VENDOR_GST_NUMBER',
    'VENDOR_ABN_NUMBER',
    'VENDOR_PAN_NUMBER',
  ],
  invoiceNumber: ['INVOICE_RECEIPT_ID'],
  invoiceDate: ['INVOICE_RECEIPT_DATE', 'ORDER_DATE'],
  dueDate: ['DUE_DATE'],
  subtotal: ['SUBTOTAL'],
  tax: ['TAX'],
  total: ['TOTAL', 'AMOUNT_DUE'],
};

const MONEY_FIELDS = new Set<InvoiceFieldName>(['subtotal', 'tax', 'total']);
const DATE_FIELDS = new Set<InvoiceFieldName>(['invoiceDate', 'dueDate']);

const confidenceOf = (field: ExpenseField) =>
  Math.max(0, Math.min(1, (field.ValueDetection?.Confidence ?? field.Type?.Confidence ?? 0) / 100));

const textOf = (field: ExpenseField) => field.ValueDetection?.Text?.replace(/\s+/g, ' ').trim() ?? '';

/** Candidates of a type, surest first (Textract may report a type more than once). */
function candidates(fields: readonly ExpenseField[], type: string): ExpenseField[] {
  return fields
    .filter((field) => field.Type?.Text === type && textOf(field))
    .sort((a, b) => confidenceOf(b) - confidenceOf(a));
}

function currencyOf(fields: readonly ExpenseField[]): { code: string; confidence: number } | undefined {
  for (const type of ['TOTAL', 'AMOUNT_DUE', 'SUBTOTAL', 'TAX']) {
    for (const field of candidates(fields, type)) {
      const code = field.Currency?.Code?.toUpperCase();
      if (code && /^[A-Z]{3}$/.test(code))
        return { code, confidence: (field.Currency?.Confidence ?? 50) / 100 };
      const printed = currencyFromText(textOf(field));
      if (printed) return { code: printed, confidence: confidenceOf(field) * 0.9 };
    }
  }
  return undefined;
}

function lineItem(fields: readonly ExpenseField[]): LineItem | undefined {
  const text = (type: string) => candidates(fields, type)[0];
  const description = text('ITEM') ?? text('PRODUCT_CODE');
  if (!description) return undefined;
  const number = (type: string) => {
    const field = text(type);
    return field ? parseAmount(textOf(field)) : undefined;
  };
  const quantity = number('QUANTITY');
  const unitPrice = number('UNIT_PRICE');
  const amount = number('PRICE');
  return {
    description: textOf(description).slice(0, 1000),
    ...(quantity !== undefined ? { quantity } : {}),
    ...(unitPrice !== undefined ? { unitPrice } : {}),
    ...(amount !== undefined ? { amount } : {}),
  };
}

/**
 * Invoice fields from Textract's expense analysis of the first invoice in the
 * document (ExpenseIndex 1). Amounts and dates are parsed from the printed text;
 * values that do not parse or validate are left out, not guessed. Confidence is
 * Textract's value confidence scaled to 0-1.
 *
 * @example
 * const fields = fieldsFromExpenseDocuments(response.ExpenseDocuments ?? []);
 * fields.total // 1234.56
 */
export function fieldsFromExpenseDocuments(documents: readonly ExpenseDocument[]): Partial<InvoiceFields> {
  const first = [...documents].sort((a, b) => (a.ExpenseIndex ?? 1) - (b.ExpenseIndex ?? 1))[0];
  const summary = first?.SummaryFields ?? [];
  const currency = currencyOf(summary);
  const dateOrder = currency?.code === 'USD' ? 'MDY' : undefined;
  const values: Record<string, unknown> = {};
  const confidence: Partial<Record<InvoiceFieldName, number>> = {};

  for (const [name, types] of Object.entries(SUMMARY_TYPES) as [InvoiceFieldName, readonly string[]][]) {
    for (const type of types) {
      const field = candidates(summary, type)[0];
      if (!field) continue;
      const raw = textOf(field);
      const value = MONEY_FIELDS.has(name)
        ? parseAmount(raw)
        : DATE_FIELDS.has(name)
          ? parseDate(raw, dateOrder)
          : raw;
      if (value === undefined) continue;
      values[name] = value;
      confidence[name] = confidenceOf(field);
      break;
    }
  }
  if (!values.vendorName) {
    // Textract sometimes reports the vendor only as a NAME in the VENDOR group.
    const named = summary.find(
      (field) =>
        field.Type?.Text === 'NAME' && field.GroupProperties?.some((g) => g.Types?.includes('VENDOR')),
    );
    if (named && textOf(named)) {
      values.vendorName = textOf(named);
      confidence.vendorName = confidenceOf(named);
    }
  }
  if (currency) {
    values.currency = currency.code;
    confidence.currency = currency.confidence;
  }
  const lineItems = (first?.LineItemGroups ?? [])
    .flatMap((group) => group.LineItems ?? [])
    .map((item) => lineItem(item.LineItemExpenseFields ?? []))
    .filter((item): item is LineItem => item !== undefined)
    .slice(0, 500);

  // Keep only what our schema accepts (lengths, ISO formats): one bad value must
  // not sink the others.
  const shape = invoiceFieldsSchema.shape;
  const out: Record<string, unknown> = { provider: 'textract', lineItems, confidence: {} };
  for (const [name, value] of Object.entries(values)) {
    const schema = shape[name as keyof typeof shape];
    if (schema?.safeParse(value).success) {
      out[name] = value;
      (out.confidence as Record<string, number>)[name] = confidence[name as InvoiceFieldName] ?? 0;
    }
  }
  return out as Partial<InvoiceFields>;
}

/**
 * Page texts from Textract's LINE blocks (reading order as returned), with the
 * mean line confidence per page and each line's box (see `OcrLine`).
 *
 * @example
 * const pages = pagesFromExpenseDocuments(response.ExpenseDocuments ?? [], 1);
 */
export function pagesFromExpenseDocuments(
  documents: readonly ExpenseDocument[],
  pageCount?: number,
): OcrPage[] {
  const byPage = new Map<number, { lines: string[]; confidence: number[]; boxes: OcrLine[] }>();
  const seen = new Set<string>();
  for (const document of documents) {
    for (const block of document.Blocks ?? []) {
      if (block.BlockType !== 'LINE' || !block.Text) continue;
      // Multi-invoice documents repeat shared blocks; count each once.
      if (block.Id) {
        if (seen.has(block.Id)) continue;
        seen.add(block.Id);
      }
      const page = block.Page ?? 1;
      const entry = byPage.get(page) ?? { lines: [], confidence: [], boxes: [] };
      entry.lines.push(block.Text);
      // Textract gives boxes as fractions of the page from its top-left corner.
      const box = block.Geometry?.BoundingBox;
      if (box && [box.Left, box.Top, box.Width, box.Height].every((v) => Number.isFinite(v))) {
        entry.boxes.push({
          text: block.Text,
          x: Math.round((box.Left ?? 0) * 1000),
          y: Math.round((box.Top ?? 0) * 1000),
          width: Math.round((box.Width ?? 0) * 1000),
          height: Math.max(1, Math.round((box.Height ?? 0) * 1000)),
        });
      }
      if (block.Confidence !== undefined) entry.confidence.push(block.Confidence / 100);
      byPage.set(page, entry);
    }
  }
  const last = Math.max(pageCount ?? 0, ...byPage.keys(), 1);
  const pages: OcrPage[] = [];
  for (let pageNumber = 1; pageNumber <= last; pageNumber++) {
    const entry = byPage.get(pageNumber);
    const mean = entry?.confidence.length
      ? entry.confidence.reduce((sum, c) => sum + c, 0) / entry.confidence.length
      : undefined;
    // Positions only when every line has one: a partial layout would hide text from the model.
    const boxed = entry && entry.boxes.length > 0 && entry.boxes.length === entry.lines.length;
    pages.push({
      pageNumber,
      text: entry?.lines.join('\n') ?? '',
      ...(mean !== undefined ? { confidence: mean } : {}),
      ...(boxed ? { lines: entry.boxes.slice(0, MAX_LAYOUT_LINES) } : {}),
    });
  }
  return pages;
}
