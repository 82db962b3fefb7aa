import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type InvoiceFields, invoiceFieldsSchema } from '@paperlane/core';
import { z } from 'zod';

/** The invoice fixtures shipped with `@paperlane/testing`. */
export const INVOICE_FIXTURES_DIR = fileURLToPath(
  new URL('../../../../testing/fixtures/invoices/', import.meta.url),
);

const fixtureIndexSchema = z.array(
  z.object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    /** The document itself (`<name>.pdf|png|jpg`). */
    file: z.string().regex(/^[a-z0-9-]+\.(pdf|png|jpg)$/),
    /** `pdf-text` (real text layer), `pdf-scan` (pages are images), `png`, `jpeg`. */
    format: z.enum(['pdf-text', 'pdf-scan', 'png', 'jpeg']),
    layout: z.string().min(1),
    lang: z.string().min(2),
  }),
);
const expectedSchema = invoiceFieldsSchema.omit({ provider: true, confidence: true }).partial();
export type ExpectedInvoice = z.infer<typeof expectedSchema>;

export type InvoiceFixtureEntry = z.infer<typeof fixtureIndexSchema>[number];

export interface InvoiceFixture extends InvoiceFixtureEntry {
  /** Path of the document file. */
  path: string;
  /** The text as laid out on the page (what a perfect OCR returns). */
  text: string;
  expected: ExpectedInvoice;
}

/**
 * Loads every fixture listed in `index.json`: its OCR text and its expected fields (validated).
 *
 * @example
 * const fixtures = await loadInvoiceFixtures(); // [{ name: 'en-us-classic', file, format, lang, text, expected }, ...]
 */
export async function loadInvoiceFixtures(dir = INVOICE_FIXTURES_DIR): Promise<InvoiceFixture[]> {
  const index = fixtureIndexSchema.parse(JSON.parse(await readFile(`${dir}/index.json`, 'utf8')));
  return Promise.all(
    index.map(async (entry) => ({
      ...entry,
      path: `${dir}/${entry.file}`,
      text: await readFile(`${dir}/${entry.name}.txt`, 'utf8'),
      expected: expectedSchema.parse(
        JSON.parse(await readFile(`${dir}/${entry.name}.expected.json`, 'utf8')),
      ),
    })),
  );
}

const SCALAR_FIELDS = [
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

export interface FieldScore {
  field: string;
  expected: unknown;
  actual: unknown;
  correct: boolean;
}

const normalize = (value: string) => value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
const amountsMatch = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b === undefined : b !== undefined && Math.abs(a - b) <= 0.01;

function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (expected === undefined || actual === undefined) return expected === actual;
  if (typeof expected === 'number' && typeof actual === 'number') return amountsMatch(expected, actual);
  if (typeof expected === 'string' && typeof actual === 'string')
    return normalize(expected) === normalize(actual);
  return false;
}

/**
 * Scores extracted fields against expected ones, field by field: dates and codes exact, amounts
 * within 0.01, text by case- and space-insensitive comparison. A field counts when either side
 * has it, so a value invented where none is expected is an error too. Each expected line item is
 * one field (description, quantity, unit price and amount all right); extra items are errors.
 *
 * @example
 * scoreInvoice({ total: 5 }, { total: 5, lineItems: [], confidence: {}, provider: 'rules' }) // [{ field: 'total', correct: true, ... }]
 */
export function scoreInvoice(expected: ExpectedInvoice, actual: InvoiceFields): FieldScore[] {
  const scores: FieldScore[] = [];
  for (const field of SCALAR_FIELDS) {
    const want = expected[field];
    const got = actual[field];
    if (want === undefined && got === undefined) continue;
    scores.push({ field, expected: want, actual: got, correct: valuesMatch(want, got) });
  }
  const wanted = expected.lineItems ?? [];
  const count = Math.max(wanted.length, actual.lineItems.length);
  for (let i = 0; i < count; i += 1) {
    const want = wanted[i];
    const got = actual.lineItems[i];
    const correct =
      want !== undefined &&
      got !== undefined &&
      valuesMatch(want.description, got.description) &&
      (want.quantity === undefined || amountsMatch(want.quantity, got.quantity)) &&
      (want.unitPrice === undefined || amountsMatch(want.unitPrice, got.unitPrice)) &&
      (want.amount === undefined || amountsMatch(want.amount, got.amount));
    scores.push({ field: `lineItems[${i}]`, expected: want, actual: got, correct });
  }
  return scores;
}

/** Correct fields over scored fields, across all invoices. */
export function accuracyOf(scores: readonly (readonly FieldScore[])[]): {
  correct: number;
  total: number;
  accuracy: number;
} {
  const all = scores.flat();
  const correct = all.filter((s) => s.correct).length;
  return { correct, total: all.length, accuracy: all.length === 0 ? 0 : correct / all.length };
}
