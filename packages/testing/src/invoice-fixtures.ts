import { readFile } from 'node:fs/promises';

/** The generated invoice fixture set (`npx tsx packages/testing/scripts/generate-invoice-fixtures.ts` rewrites it). */
export const INVOICE_FIXTURES = new URL('../fixtures/invoices/', import.meta.url);

/** A fixture's bytes, e.g. `await invoiceFixture('en-us-classic.pdf')`. */
export async function invoiceFixture(fileName: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(fileName, INVOICE_FIXTURES)));
}

/** The fields a fixture is expected to yield (`<name>.expected.json`). */
export async function expectedInvoiceFields(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(new URL(`${name}.expected.json`, INVOICE_FIXTURES), 'utf8'));
}
